export const Category = {
  ApiCall: 'api_call',
  ResourceAccess: 'resource_access',
  PermissionRequest: 'permission_request',
} as const;
export type Category = (typeof Category)[keyof typeof Category];

export const Outcome = { Success: 'success', Failure: 'failure', Denied: 'denied' } as const;
export type Outcome = (typeof Outcome)[keyof typeof Outcome];

export interface EventSource {
  ip?: string;
  region?: string;
  country?: string;
  city?: string;
  lat?: number;
  lon?: number;
  session?: string;
  sessionBound?: boolean;
}

/** An audit event after validation: the DESIGN.md native format with `time` resolved to epoch ms. */
export interface AuditEvent {
  id: string;
  timeMs: number;
  agentId: string;
  agentClass?: string;
  tenant?: string;
  category: Category;
  action: string;
  resource?: string;
  permission?: string;
  outcome: Outcome;
  source?: EventSource;
  attributes?: Record<string, string | number | boolean>;
}
