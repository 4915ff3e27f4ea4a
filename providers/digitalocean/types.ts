// Request and response shapes of the DigitalOcean API calls apiship makes, transcribed from the
// official OpenAPI (api-specs/digitalocean: DigitalOcean-public.v2.subset.yaml; reserved IPs from
// the bundled file). Only the fields apiship sends or reads are typed; each interface names its
// schema. The OpenWhisk action shapes at the end are the Functions API host's, which the
// DigitalOcean OpenAPI does not describe (only the namespace's api_host and key).

/** #/components/schemas/error */
export interface DoErrorBody {
  id: string;
  message: string;
  request_id?: string;
}

/** #/components/schemas/app_variable_definition */
export interface AppVariable {
  key: string;
  scope?: "UNSET" | "RUN_TIME" | "BUILD_TIME" | "RUN_AND_BUILD_TIME";
  type?: "GENERAL" | "SECRET";
  value?: string;
}

/** #/components/schemas/apps_image_source_spec */
export interface AppImageSource {
  registry?: string;
  registry_type?: "DOCKER_HUB" | "DOCR" | "GHCR";
  repository?: string;
  tag?: string;
  digest?: string;
}

/** #/components/schemas/apps_git_source_spec: a public repository App Platform clones. */
export interface AppGitSource {
  repo_clone_url?: string;
  branch?: string;
}

/**
 * #/components/schemas/apps_github_source_spec (apps_gitlab_source_spec and
 * apps_bitbucket_source_spec are the same shape): a repository reached through the account's
 * GitHub, GitLab or Bitbucket integration.
 */
export interface AppHostedGitSource {
  repo?: string;
  branch?: string;
  deploy_on_push?: boolean;
}

/** #/components/schemas/app_service_spec_health_check */
export interface AppHealthCheck {
  failure_threshold?: number;
  port?: number;
  http_path?: string;
  initial_delay_seconds?: number;
  period_seconds?: number;
  success_threshold?: number;
  timeout_seconds?: number;
}

/** #/components/schemas/app_autoscaling_spec_service */
export interface AppAutoscaling {
  min_instance_count?: number;
  max_instance_count?: number;
  metrics?: { cpu?: { percent?: number } };
}

/** #/components/schemas/app_service_spec (the parts apiship writes) */
export interface AppServiceSpec {
  name: string;
  image?: AppImageSource;
  git?: AppGitSource;
  github?: AppHostedGitSource;
  gitlab?: AppHostedGitSource;
  bitbucket?: AppHostedGitSource;
  source_dir?: string;
  environment_slug?: string;
  build_command?: string;
  run_command?: string;
  envs?: AppVariable[];
  instance_count?: number;
  instance_size_slug?: string;
  autoscaling?: AppAutoscaling;
  health_check?: AppHealthCheck;
  http_port?: number;
  internal_ports?: number[];
  routes?: { path?: string; preserve_path_prefix?: boolean }[];
}

/** #/components/schemas/app_spec */
export interface AppSpec {
  name: string;
  region?: string;
  services?: AppServiceSpec[];
  envs?: AppVariable[];
  [other: string]: unknown;
}

/** #/components/schemas/apps_deployment_phase */
export type DeploymentPhase =
  | "UNKNOWN"
  | "PENDING_BUILD"
  | "BUILDING"
  | "PENDING_DEPLOY"
  | "DEPLOYING"
  | "ACTIVE"
  | "SUPERSEDED"
  | "ERROR"
  | "CANCELED";

/** #/components/schemas/apps_deployment_progress_step */
export interface DeploymentStep {
  component_name?: string;
  message_base?: string;
  name?: string;
  reason?: { code?: string; message?: string };
  status?: "UNKNOWN" | "PENDING" | "RUNNING" | "ERROR" | "SUCCESS";
  steps?: DeploymentStep[];
}

/** #/components/schemas/apps_deployment */
export interface AppDeployment {
  id: string;
  cause?: string;
  cloned_from?: string;
  phase?: DeploymentPhase;
  progress?: { error_steps?: number; steps?: DeploymentStep[]; summary_steps?: DeploymentStep[] };
  spec?: AppSpec;
  created_at?: string;
  /** #/components/schemas/apps_deployment_service: the commit a source service was built from. */
  services?: { name?: string; source_commit_hash?: string }[];
}

/** #/components/schemas/app */
export interface App {
  id: string;
  spec: AppSpec;
  live_url?: string;
  live_url_base?: string;
  default_ingress?: string;
  active_deployment?: AppDeployment;
  in_progress_deployment?: AppDeployment;
  pending_deployment?: AppDeployment;
  region?: { slug?: string };
}

/** #/components/schemas/apps_create_app_request */
export interface CreateAppRequest {
  spec: AppSpec;
  project_id?: string;
}

/** #/components/schemas/apps_update_app_request */
export interface UpdateAppRequest {
  spec: AppSpec;
  update_all_source_versions?: boolean;
}

/** #/components/schemas/apps_create_deployment_request */
export interface CreateDeploymentRequest {
  force_build?: boolean;
}

/** #/components/schemas/apps_rollback_app_request */
export interface RollbackAppRequest {
  deployment_id: string;
  skip_pin?: boolean;
}

/** #/components/schemas/apps_get_logs_response */
export interface LogsResponse {
  live_url?: string;
  historic_urls?: string[];
}

/** #/components/schemas/namespace_info */
export interface NamespaceInfo {
  api_host: string;
  namespace: string;
  label: string;
  region: string;
  uuid: string;
  key: string;
  created_at?: string;
}

/** #/components/schemas/create_namespace */
export interface CreateNamespaceRequest {
  region: string;
  label: string;
}

/** #/components/schemas/network_v4 */
export interface NetworkV4 {
  ip_address: string;
  type: "public" | "private";
  netmask?: string;
  gateway?: string;
}

/** #/components/schemas/droplet (the fields apiship reads) */
export interface Droplet {
  id: number;
  name: string;
  status: "new" | "active" | "off" | "archive";
  size_slug: string;
  tags: string[];
  networks: { v4?: NetworkV4[] };
  region: { slug: string };
  image: { id?: number; slug?: string | null };
  created_at: string;
}

/** #/components/schemas/droplet_single_create */
export interface CreateDropletRequest {
  name: string;
  region?: string;
  size: string;
  image: string | number;
  ssh_keys?: (string | number)[];
  tags?: string[];
  user_data?: string;
  monitoring?: boolean;
  ipv6?: boolean;
}

/** #/components/schemas/reserved_ip */
export interface ReservedIp {
  ip: string;
  region?: { slug?: string };
  droplet?: Droplet | null;
  locked?: boolean;
}

/** #/components/schemas/reserved_ip_create: "Assign to Droplet" or "Reserve to Region" */
export type CreateReservedIpRequest = { droplet_id: number } | { region: string; project_id?: string };

/** #/components/schemas/reserved_ip_action_assign | reserved_ip_action_unassign */
export type ReservedIpActionRequest = { type: "assign"; droplet_id: number } | { type: "unassign" };

/** #/components/schemas/action */
export interface DoAction {
  id: number;
  status: "in-progress" | "completed" | "errored";
  type: string;
  resource_id?: number | null;
}

/** OpenWhisk key/value (annotations, parameters). */
export interface WhiskKeyValue {
  key: string;
  value: unknown;
  /** A parameter set at init: DigitalOcean Functions' environment variables. */
  init?: boolean;
}

/**
 * OpenWhisk activation as GET /api/v1/namespaces/{ns}/activations?docs=true lists it: `start`
 * and `end` in epoch ms, `logs` the run's lines "<RFC3339> stdout|stderr: <text>".
 */
export interface WhiskActivation {
  activationId: string;
  name: string;
  namespace?: string;
  start: number;
  end?: number;
  logs?: string[];
}

/** OpenWhisk action (PUT /api/v1/namespaces/{ns}/actions/{name}). */
export interface WhiskAction {
  namespace?: string;
  name?: string;
  version?: string;
  exec: { kind: string; code?: string; binary?: boolean; main?: string };
  annotations?: WhiskKeyValue[];
  parameters?: WhiskKeyValue[];
  limits?: { timeout?: number; memory?: number };
}
