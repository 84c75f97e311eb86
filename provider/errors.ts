// The base of every error this package throws on purpose. `message` is set on the instance:
// when Pulumi serializes a class by value (inside this repository, or an old state's provider),
// `super(message)` becomes a plain call of Error, which does not set it, and the user would see
// an empty error. Subclasses name themselves.
export class ProviderError extends Error {
  constructor(message: string, name: string) {
    super(message);
    this.message = message;
    this.name = name;
  }
}
