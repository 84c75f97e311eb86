// Outputs must be plain JSON: the host converts them to protobuf Structs, which reject `undefined`.

export function plain<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
