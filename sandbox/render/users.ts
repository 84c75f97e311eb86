// User and profile shapes of each version (golden lookups #4-#6).
import type { UserRec } from "../model/state";
import type { Profile } from "../versions";
import { formatDate } from "../dates";
import {
  DEFAULT_ORG_ID,
  DEFAULT_USER_GROUP_ID,
  ROLE_ORG_ADMIN,
  ROLE_SYSTEM_ADMIN,
  ROOT_ORG_ID,
} from "../seed";
import { isSystemAdmin } from "../model/users";
import { V3_ADMIN_PERMS } from "../data/v3-admin-perms";

const EXPIRES_IN_MS = 70 * 365.25 * 24 * 3600 * 1000;

const V3_USER_PERMS = ["tickets.view_ticket", "assets.match_asset", "rbac.view_console"];

function systemRoles(u: UserRec, p: Profile) {
  const admin = isSystemAdmin(u);
  return [
    {
      id: admin ? ROLE_SYSTEM_ADMIN : "00000000-0000-0000-0000-000000000003",
      display_name: admin ? p.labels.systemRole.admin : p.labels.systemRole.user,
    },
  ];
}

/** One user as `/api/v1/users/users/` renders it. */
export function renderUser(u: UserRec, p: Profile, profile = false): Record<string, unknown> {
  const joined = formatDate(u.dateJoined);
  const common = {
    id: u.id,
    name: u.name,
    username: u.username,
    email: u.email,
    wechat: "",
    phone: null,
    mfa_level: { value: 0, label: p.labels.mfaDisabled },
    source: { value: "local", label: p.labels.source },
  };
  const flags = {
    is_superuser: u.isSuperuser,
    ...(p.version === "v3.10.23"
      ? {
          is_org_admin:
            u.isSuperuser || (u.orgRoles[DEFAULT_ORG_ID] ?? []).includes(ROLE_ORG_ADMIN),
        }
      : {}),
    is_service_account: false,
    is_valid: true,
    is_expired: false,
    is_active: true,
    is_otp_secret_key_bound: false,
    can_public_key_auth: true,
    ...(p.version === "v4.10.19" ? { can_ukey_auth: false } : {}),
    mfa_enabled: false,
    need_update_password: false,
    ...(p.version !== "v3.10.23" ? { is_face_code_set: false } : {}),
    mfa_force_enabled: false,
    is_first_login: false,
    login_blocked: false,
    date_expired: formatDate(u.dateJoined + EXPIRES_IN_MS),
    date_joined: joined,
    last_login: null,
    date_updated: joined,
    date_api_key_last_used: null,
    date_password_last_updated: joined,
  };
  const passwordStrategy = { value: "email", label: p.labels.passwordStrategy };
  const avatar = `/static/img/avatar/${u.isSuperuser ? "admin" : "user"}.png`;
  const profileExtras = {
    public_key_comment: "",
    public_key_hash_md5: "",
    guide_url: "",
  };
  if (p.version === "v3.10.23") {
    const org = (id: string, name: string, isDefault: boolean, isRoot: boolean) => ({
      id,
      name,
      is_default: isDefault,
      is_system: false,
      is_root: isRoot,
    });
    const orgs = [
      org(ROOT_ORG_ID, "GLOBAL", false, true),
      org(DEFAULT_ORG_ID, p.defaultOrgName, true, false),
    ];
    return {
      ...common,
      created_by: u.createdBy,
      updated_by: "System",
      comment: profile ? "" : null,
      avatar_url: avatar,
      groups: [{ id: DEFAULT_USER_GROUP_ID, name: "Default" }],
      system_roles: systemRoles(u, p),
      org_roles: [
        { id: "00000000-0000-0000-0000-000000000007", display_name: "OrgUser", name: "OrgUser" },
      ],
      labels: [],
      password_strategy: passwordStrategy,
      ...(profile
        ? {
            ...profileExtras,
            console_orgs: orgs,
            audit_orgs: orgs,
            workbench_orgs: [org(ROOT_ORG_ID, "All organizations", false, true), orgs[1]],
            receive_backends: ["site_msg", "email"],
            perms: isSystemAdmin(u) ? V3_ADMIN_PERMS : V3_USER_PERMS,
          }
        : {}),
      ...flags,
    };
  }
  return {
    ...common,
    ...(p.version === "v4.10.19" ? { ukey_sn: null } : {}),
    avatar_url: avatar,
    groups: [],
    system_roles: systemRoles(u, p),
    labels: [],
    password_strategy: passwordStrategy,
    ...(profile
      ? {
          ...profileExtras,
          lang: "en",
          ...(p.version === "v4.10.19" ? { has_jdmc: true } : {}),
          receive_backends: ["site_msg", "email"],
        }
      : {}),
    ...flags,
    created_by: u.createdBy,
    updated_by: "System",
    comment: null,
  };
}
