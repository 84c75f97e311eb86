// The retry layer (axios-retry): a request marked safe to resend (GETs by default) is sent again
// after a network error or a 502, 503 or 504, at most `maxRetries` times, with exponential backoff
// and equal jitter. Nothing else is ever resent here: a lost answer to a write surfaces as
// `JumpServerError.ambiguous` for the caller to resolve (lifecycle/exactlyOnce.ts). 429s are the
// throttle layer's (throttle.ts), outside this one.
import type { AxiosError, AxiosInstance, InternalAxiosRequestConfig } from "axios";
import axiosRetry from "axios-retry";

interface AttemptState {
  safe: boolean;
  retries: number;
}

type Config = InternalAxiosRequestConfig & { jms?: AttemptState };

/** What a request config carries for this layer. */
export function retryState(safe: boolean): { jms: AttemptState } {
  return { jms: { safe, retries: 0 } };
}

export function retryLostAnswers(http: AxiosInstance, maxRetries: number): void {
  axiosRetry(http, {
    retries: maxRetries,
    shouldResetTimeout: true,
    // Non-2xx answers resolve (the client reads every status itself), so the retryable ones are
    // routed through the error path axios-retry watches.
    validateResponse: (res) => !isRetryableStatus(res.status),
    retryCondition: (error) => {
      const st = (error.config as Config | undefined)?.jms;
      if (!st?.safe) return false;
      const status = error.response?.status;
      const retryable = status === undefined ? isNetworkError(error) : isRetryableStatus(status);
      if (!retryable || st.retries >= maxRetries) return false;
      st.retries += 1;
      return true;
    },
    retryDelay: (count, error) => {
      const st = (error.config as Config | undefined)?.jms;
      const attempt = st ? st.retries : count;
      const base = Math.min(8000, 200 * 2 ** (attempt - 1));
      return base / 2 + Math.random() * (base / 2); // "equal jitter"
    },
  });
}

function isRetryableStatus(status: number): boolean {
  return status === 502 || status === 503 || status === 504;
}

function isNetworkError(error: AxiosError): boolean {
  const code = error.code ?? "";
  return (
    [
      "ECONNRESET",
      "ECONNREFUSED",
      "EPIPE",
      "ETIMEDOUT",
      "ECONNABORTED",
      "ERR_NETWORK",
      "EAI_AGAIN",
      "ERR_BAD_RESPONSE",
    ].includes(code) || /socket hang up/i.test(error.message ?? "")
  );
}
