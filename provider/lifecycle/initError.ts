// The error a create throws once the object exists in JumpServer but a later step failed. The
// dynamic-provider host turns an error carrying `id`, `properties` and `reasons` into the engine's
// "created but failed to initialise": the resource stays in state with those outputs, and the next
// `up` calls update to finish the job. Nothing that exists is ever left out of state.
import { ProviderError } from "../errors";

export class InitError<T extends object> extends ProviderError {
  readonly id: string;
  readonly properties: T;
  readonly reasons: string[];
  constructor(message: string, id: string, outs: T) {
    super(message, "InitError");
    this.id = id;
    this.properties = outs;
    this.reasons = [message];
  }
}
