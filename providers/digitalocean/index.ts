import { defineProvider } from "../../src/core/provider.js";
import { appPlatform } from "./app-platform.js";
import { droplet } from "./droplet.js";
import { functions } from "./functions.js";

export default defineProvider({
  id: "digitalocean",
  summary: "DigitalOcean: Functions, App Platform, Droplets",
  targets: [functions, appPlatform, droplet],
});
