// report --all's classification and import document, without a network: each kind, the trust
// rule (only the state says "managed"; only JumpServer's read-only markers say "made by a
// ticket"), stable and unique resource names, and the refusals.
import * as assert from "node:assert/strict";
import { ListedPermission, PERMISSIONS, listEveryPermission } from "../../provider/api/permissions";
import type { JumpServerClient } from "../../provider/client/client";
import { JumpServerError } from "../../provider/client/errors";
import { OrgScope, orgHeader } from "../../provider/client/orgScope";
import { ROOT_ORG_ID } from "../../provider/settings";
import {
  AdoptionRefused,
  classify,
  importDocument,
  resourceName,
} from "../../provider/report/inventory";
import { parseStackExport } from "../../provider/report/state";
import { permissionProblems } from "../../provider/report/model";
import { renderMarkdown } from "../../provider/report/markdown";
import { exportOf, reportOf, urn } from "./reportFixtures";

const NOW = Date.parse("2030-01-01T00:00:00Z");
const DEFAULT = "00000000-0000-0000-0000-000000000002";
const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`;

const perm = (n: number, over: Partial<ListedPermission> = {}): ListedPermission => ({
  id: id(n),
  name: `perm ${n}`,
  orgId: DEFAULT,
  orgName: "Default",
  fromTicket: false,
  createdBy: "Administrator",
  active: true,
  dateStart: "2029-12-01T00:00:00Z",
  dateExpired: "2030-02-01T00:00:00Z",
  accounts: ["@ALL"],
  actions: ["connect"],
  users: ["Requester(requester)"],
  userGroups: [],
  assets: ["web-01(10.0.0.11)"],
  nodes: [],
  ...over,
});
const byTicket = (n: number, over: Partial<ListedPermission> = {}) =>
  perm(n, { fromTicket: true, createdBy: `ApplyAssetTicket:${id(n)}`, ...over });

describe("report --all: kinds and adoption", function () {
  const managed = new Map([[id(1), "AssetAccessTicket web-access"]]);
  const tickets = new Map([[id(2), { serialNum: "202912010007", title: "t", applicant: "R" }]]);
  const kinds = (ps: ListedPermission[], m = managed) =>
    Object.fromEntries(classify(ps, m, tickets, new Set(), NOW).map((e) => [e.id, e.kind]));

  it("puts each permission in one of four kinds", function () {
    assert.deepEqual(
      kinds([
        byTicket(1),
        byTicket(2),
        perm(3),
        byTicket(4, { dateExpired: "2029-12-31T00:00:00Z" }),
        perm(5, { dateExpired: "2029-06-01T00:00:00Z" }),
        // Not started yet is not expired (JumpServer's is_expired says so; access is still coming).
        perm(6, { dateStart: "2030-03-01T00:00:00Z", dateExpired: "2030-04-01T00:00:00Z" }),
      ]),
      {
        [id(1)]: "managed",
        [id(2)]: "ticket",
        [id(3)]: "handMade",
        [id(4)]: "expired",
        [id(5)]: "expired",
        [id(6)]: "handMade",
      },
    );
  });

  it("a managed permission stays managed after its access ended (the stack shows it as expired)", function () {
    assert.equal(kinds([byTicket(1, { dateExpired: "2029-01-01T00:00:00Z" })])[id(1)], "managed");
  });

  it("a name, comment or creator text can't make access managed or ticket-made", function () {
    const disguised = [
      perm(7, { name: "web-access" }),
      perm(8, { name: `Created by ticket (web-access-${id(1).slice(0, 4)})` }),
      // from_ticket without the creator JumpServer's approval writes, and the reverse.
      perm(9, { fromTicket: true }),
      perm(10, { createdBy: `ApplyAssetTicket:${id(10)}` }),
      // The approval's creator, but of another ticket (the stack's).
      perm(11, { fromTicket: true, createdBy: `ApplyAssetTicket:${id(1)}` }),
    ];
    for (const [pid, kind] of Object.entries(kinds(disguised))) assert.equal(kind, "handMade", pid);
    // Only the state's ids are managed: a managed set from elsewhere changes nothing here.
    assert.equal(kinds([perm(7)], new Map())[id(7)], "handMade");
  });

  it("names a ticket-made permission by its serial, else its ticket id, unique in the stack", function () {
    const taken = new Set(["ticket-202912010007"]);
    assert.equal(
      resourceName(id(2), tickets.get(id(2)), taken),
      `ticket-202912010007-${id(2).slice(0, 8)}`,
    );
    assert.equal(resourceName(id(3), undefined, new Set()), `ticket-${id(3)}`);
    // A serial that is not digits (untrusted text) is not used.
    assert.equal(
      resourceName(id(4), { serialNum: "1; rm -rf /", title: "", applicant: "" }, new Set()),
      `ticket-${id(4)}`,
    );
  });

  it("writes the chosen ticket-made permissions as AssetAccessTickets by ticket id", function () {
    const entries = classify([byTicket(1), byTicket(2), perm(3)], managed, tickets, new Set(), NOW);
    const doc = {
      resources: [
        { type: "jumpserver:index:AssetAccessTicket", name: "ticket-202912010007", id: id(2) },
      ],
    };
    assert.deepEqual(importDocument(entries, ["ticket"]), doc);
    assert.deepEqual(importDocument(entries, ["202912010007"]), doc);
    assert.deepEqual(importDocument(entries, [id(2).toUpperCase(), id(2)]), doc);
  });

  it("refuses hand-made, expired, managed and unknown choices, naming each", function () {
    const entries = classify(
      [byTicket(1), byTicket(2), perm(3), perm(5, { dateExpired: "2029-06-01T00:00:00Z" })],
      managed,
      tickets,
      new Set(),
      NOW,
    );
    assert.throws(
      () => importDocument(entries, ["ticket", id(3), "expired", id(1), "nope"]),
      (e: Error) =>
        e instanceof AdoptionRefused &&
        e.message.includes(`(${id(3)}): not adoptable: no ticket made it`) &&
        e.message.includes(`(${id(5)}): not adoptable: its access has ended`) &&
        e.message.includes(
          `(${id(1)}): already managed by this stack (AssetAccessTicket web-access)`,
        ) &&
        e.message.includes(`"nope": no permission with that id or ticket serial number`),
    );
  });
});

describe("report --all: what the state manages", function () {
  it("every resource whose id is a ticket's: dynamic and plugin tokens, not those pending deletion", function () {
    const res = (type: string, name: string, rid: string, extra = {}) => ({
      urn: urn(type, name),
      type,
      id: rid,
      inputs: {},
      outputs: {},
      ...extra,
    });
    const state = parseStackExport(
      exportOf([
        res("pulumi-nodejs:dynamic/jumpserver:AssetAccessTicket", "a", id(1).toUpperCase()),
        res("pulumi-nodejs:dynamic/jumpserver:TicketApproval", "b", id(2)),
        res("jumpserver:index:AssetAccessTicket", "c", id(3)),
        res("jumpserver:index:TicketApproval", "d", id(4)),
        res("pulumi-nodejs:dynamic/jumpserver:AssetAccessTicket", "gone", id(5), { delete: true }),
        res("pulumi-nodejs:dynamic/jumpserver:TicketFlow", "flow", id(6)),
      ]),
    );
    assert.deepEqual(Object.fromEntries(state.managed), {
      [id(1)]: "AssetAccessTicket a",
      [id(2)]: "TicketApproval b",
      [id(3)]: "AssetAccessTicket c",
      [id(4)]: "TicketApproval d",
    });
    assert.ok(state.names.has("flow") && state.names.has("gone"));
  });

  it("an empty stack is refused, unless --all asks (a stack about to adopt)", function () {
    assert.throws(() => parseStackExport(exportOf([])), /no TicketFlow or AssetAccessTicket/);
    assert.equal(parseStackExport(exportOf([]), true).managed.size, 0);
  });
});

describe("report --all: which orgs are listed", function () {
  it("the root org (every org); when it refuses the identity, the identity's own org, said so", async function () {
    const asked: string[] = [];
    const refusing = {
      list: async (path: string, options: { org: OrgScope }) => {
        const header = orgHeader(options.org) ?? "none";
        asked.push(`${path} ${header}`);
        if (header === ROOT_ORG_ID) {
          throw new JumpServerError("403", {
            status: 403,
            request: { method: "GET", url: path, headers: {} },
          });
        }
        return path === PERMISSIONS
          ? [
              {
                id: id(1),
                name: "p",
                org_id: DEFAULT,
                users_amount: 0,
                user_groups_amount: 0,
                assets_amount: 0,
                nodes_amount: 0,
              },
            ]
          : [];
      },
    } as unknown as JumpServerClient;
    const got = await listEveryPermission(refusing, DEFAULT);
    assert.equal(got.scope, DEFAULT);
    assert.deepEqual(
      got.permissions.map((p) => p.id),
      [id(1)],
    );
    assert.deepEqual(asked, [`${PERMISSIONS} ${ROOT_ORG_ID}`, `${PERMISSIONS} ${DEFAULT}`]);
  });
});

describe("report --all: the Markdown of untrusted names", function () {
  it("names, members and creators can't break the table, mention, or link", function () {
    const hostile = perm(20, {
      name: "@team | `x` <img src=x> https://evil.example",
      users: ["Mallory(@admins)"],
      assets: ["a|b"],
      createdBy: "@security",
    });
    const entries = classify([hostile], new Map(), new Map(), new Set(), NOW);
    const report = {
      ...reportOf([], []),
      permissions: entries,
      scope: "every org",
      problems: entries.flatMap(permissionProblems),
    };
    const md = renderMarkdown(report);
    const row = md.split("\n").find((l) => l.startsWith("| ") && l.includes(id(20)))!;
    // 9 columns: 10 unescaped pipes.
    assert.equal(row.replace(/\\\|/g, "").split("|").length - 1, 10, row);
    // Outside code spans (shown as written), no mention, tag or link.
    const prose = md.replace(/`[^`]*`/g, "");
    assert.ok(!/@admins|@security|<img|https:\/\//.test(prose), prose);
  });
});
