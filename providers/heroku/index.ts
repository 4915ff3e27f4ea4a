import { defineProvider } from "../../src/core/provider.js";
import { heroku } from "./heroku.js";

export default defineProvider({
  id: "heroku",
  summary: "Heroku: apps on the container stack, with release rollback",
  targets: [heroku],
  defaultPlatform: "heroku",
});
