import { describe, expect, it } from "vitest";
import {
  KNOWN_RUNTIMES,
  defaultInterface,
  functionInterface,
  neutralContract,
  normalizeRuntime,
  parseRuntime,
  runtimeFamily,
  suggestRuntime,
} from "./runtimes.js";

describe("normalizeRuntime", () => {
  it.each([
    ["nodejs20.x", "nodejs20"],
    ["nodejs20", "nodejs20"],
    ["node22", "nodejs22"],
    ["NodeJS18.x", "nodejs18"],
    ["python3.12", "python3.12"],
    ["python312", "python3.12"],
    ["python3.9", "python3.9"],
    ["python39", "python3.9"],
    ["go1.22", "go1.22"],
    ["go122", "go1.22"],
    ["java21", "java21"],
    ["dotnet8", "dotnet8"],
    ["dotnet8.0", "dotnet8"],
    ["ruby3.3", "ruby3.3"],
    ["ruby33", "ruby3.3"],
    ["php8.3", "php8.3"],
  ])("%s → %s", (input, id) => {
    expect(normalizeRuntime(input)).toBe(id);
  });

  it("leaves spellings it cannot read alone (trimmed, lowercased)", () => {
    expect(normalizeRuntime(" Deno2 ")).toBe("deno2");
    expect(normalizeRuntime("provided.al2023")).toBe("provided.al2023");
  });

  it("is idempotent on every known id", () => {
    for (const id of KNOWN_RUNTIMES) expect(normalizeRuntime(id)).toBe(id);
  });
});

describe("parseRuntime and runtimeFamily", () => {
  it("splits family and version", () => {
    expect(parseRuntime("python312")).toEqual({ family: "python", version: "3.12" });
    expect(parseRuntime("cobol85")).toBeUndefined();
  });

  it("names the family for hints", () => {
    expect(runtimeFamily("nodejs20.x")?.label).toBe("Node.js");
    expect(runtimeFamily("unknown1")).toBeUndefined();
  });
});

describe("suggestRuntime", () => {
  it("suggests the newest accepted version of the same family", () => {
    expect(suggestRuntime("python3.8", ["nodejs20", "python3.11", "python3.12"])).toBe("python3.12");
    expect(suggestRuntime("nodejs16.x", ["nodejs20", "nodejs22", "python3.12"])).toBe("nodejs22");
  });

  it("suggests nothing when the platform runs no version of that family", () => {
    expect(suggestRuntime("ruby3.3", ["nodejs20", "python3.12"])).toBeUndefined();
    expect(suggestRuntime("garbage", ["nodejs20"])).toBeUndefined();
  });
});

describe("the default function.interface", () => {
  it.each([
    ["nodejs20", "portable"],
    ["nodejs18", "portable"],
    ["python3.12", "portable"],
    ["go1.22", "native"],
    ["java21", "native"],
    ["dotnet8", "native"],
    ["ruby3.3", "native"],
    ["php8.3", "native"],
    ["deno2", "native"],
  ])("%s → %s", (runtime, expected) => {
    expect(defaultInterface(runtime)).toBe(expected);
  });

  it("keeps an interface written in the manifest", () => {
    expect(functionInterface({ runtime: "nodejs20", interface: "native" })).toBe("native");
    expect(functionInterface({ runtime: "python3.12" })).toBe("portable");
    expect(neutralContract("python3.12")).toBe("python");
    expect(neutralContract("go1.22")).toBeUndefined();
  });
});
