// The permissions backend: the asset permission a ticket's final approval creates (same id as
// the ticket), and the name it gets.
import type { Model } from "./model";
import type { PermissionRec, TicketRec, UserRec } from "./state";
import { displayName } from "./users";

export class PermissionsBackend {
  constructor(private readonly m: Model) {}

  nameFor(title: string, id: string): string {
    const name = this.m.profile.messages.permissionName(`${title}-${id.slice(0, 4)}`);
    return name.length > 128 ? name.slice(0, 121) + "..." + name.slice(-4) : name;
  }

  /** The asset permission of a finally approved ticket: same id as the ticket. */
  grant(t: TicketRec): void {
    if (this.m.state.permissions.some((p) => p.id === t.id)) return;
    const applicant = this.m.user(t.applicantId);
    const processors = t.steps
      .filter((s) => s.state === "approved")
      .map((s) => this.m.user(s.processor))
      .filter((u): u is UserRec => !!u)
      .map(displayName);
    const perm: PermissionRec = {
      id: t.id,
      name: t.permissionName,
      orgId: t.orgId,
      userIds: [t.applicantId],
      userGroupIds: [],
      assetIds: [...t.applyAssets],
      nodeIds: [...t.applyNodes],
      accounts: t.applyAccounts,
      actions: t.applyActions,
      dateStart: t.dateStart,
      dateExpired: t.dateExpired,
      isActive: true,
      dateCreated: this.m.now(),
      createdBy: `ApplyAssetTicket:${t.id}`,
      fromTicket: true,
      comment: this.m.profile.messages.permissionComment(
        t.title,
        applicant ? displayName(applicant) : "",
        processors,
        t.id,
      ),
    };
    this.m.state.permissions.push(perm);
  }
}
