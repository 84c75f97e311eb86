// JumpServer approval flows, access tickets and approvals, as Pulumi resources (the provider plugin of pulumi-jumpserver-tickets).
package jumpserver
