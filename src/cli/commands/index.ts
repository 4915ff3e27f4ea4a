// Every command, by its oclif id. The bundled CLI finds commands here (oclif's "explicit"
// discovery) instead of scanning a folder: one file to load, nothing to search at start-up.
import { Autocomplete, AutocompleteCreate, AutocompleteScript } from "./autocomplete.js";
import Catalog from "./catalog.js";
import Deploy from "./deploy.js";
import Destroy from "./destroy.js";
import Doctor from "./doctor.js";
import History from "./history.js";
import Init from "./init.js";
import Logs from "./logs.js";
import Open from "./open.js";
import Outputs from "./outputs.js";
import Plan from "./plan.js";
import Prices from "./prices.js";
import Providers from "./providers.js";
import Recommend from "./recommend.js";
import Rollback from "./rollback.js";
import Schema from "./schema.js";
import StateExport from "./state/export.js";
import StateList from "./state/list.js";
import StateRm from "./state/rm.js";
import StateShow from "./state/show.js";
import StateUnlock from "./state/unlock.js";
import Status from "./status.js";
import Validate from "./validate.js";

export const COMMANDS = {
  autocomplete: Autocomplete,
  "autocomplete:create": AutocompleteCreate,
  "autocomplete:script": AutocompleteScript,
  catalog: Catalog,
  deploy: Deploy,
  destroy: Destroy,
  doctor: Doctor,
  history: History,
  init: Init,
  logs: Logs,
  open: Open,
  outputs: Outputs,
  plan: Plan,
  prices: Prices,
  providers: Providers,
  recommend: Recommend,
  rollback: Rollback,
  schema: Schema,
  "state:export": StateExport,
  "state:list": StateList,
  "state:rm": StateRm,
  "state:show": StateShow,
  "state:unlock": StateUnlock,
  status: Status,
  validate: Validate,
};
