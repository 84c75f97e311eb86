// The provider TicketFlow hands to Pulumi is this module itself. Pulumi's serializer writes a
// module of an installed package as a `require()` of it (findNormalizedModuleNameAsync in
// @pulumi/pulumi's runtime/closure/createClosure.js), so every resource's state holds a few hundred
// bytes and no credential, and an upgraded package also fixes refresh/destroy of older resources.
export { configure } from "../lifecycle/context";
export { check, diff, create, read, update, remove as delete } from "../lifecycle/ticketFlow";
