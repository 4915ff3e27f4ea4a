// Container image references by the OCI distribution grammar (distribution/reference's
// regexp.go): [host[:port]/]path[:tag][@digest]. A reference that only fails at pull time
// fails a deploy minutes in, after the old release is gone from some platforms; here it is a
// manifest error with the path. The common case is an empty tag: `api:${env:TAG}` with TAG
// unset or empty.

const DOMAIN_COMPONENT = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
const HOST = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[0-9a-fA-F:.]+\\])`;
const DOMAIN = new RegExp(`^${HOST}(?::[0-9]+)?$`);
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$/;
const NAME_MAX = 255;

export interface ImageRefProblem {
  message: string;
  hint: string;
}

const EXAMPLE = 'e.g. "ghcr.io/acme/api:1.4.2" or "ghcr.io/acme/api@sha256:<64 hex>"';

function problem(message: string, hint = EXAMPLE): ImageRefProblem {
  return { message, hint };
}

/** The first component is a registry host when it has a dot or a port, or is localhost. */
function splitDomain(name: string): { domain?: string; path: string } {
  const slash = name.indexOf("/");
  if (slash < 0) return { path: name };
  const first = name.slice(0, slash);
  if (first.includes(".") || first.includes(":") || first === "localhost" || first.startsWith("["))
    return { domain: first, path: name.slice(slash + 1) };
  return { path: name };
}

function checkName(name: string): ImageRefProblem | undefined {
  if (name === "") return problem("has no repository name before the tag or digest");
  if (name.length > NAME_MAX) return problem(`has a repository name longer than ${NAME_MAX} characters`);
  const { domain, path } = splitDomain(name);
  if (domain !== undefined && !DOMAIN.test(domain))
    return problem(
      "has an invalid registry host",
      'a host name with an optional port, e.g. "registry.example.com:5000"',
    );
  for (const c of path.split("/")) {
    if (c === "") return problem("has an empty path component (a doubled or trailing '/')");
    if (/[A-Z]/.test(c))
      return problem("has uppercase letters in the repository path", "repository paths are lowercase");
    if (!PATH_COMPONENT.test(c))
      return problem(
        "has an invalid repository path component",
        "path components are lowercase letters and digits, separated by '.', '_', '__' or '-'",
      );
  }
  return undefined;
}

/** Undefined when `ref` is a valid image reference, else what is wrong with it. */
export function checkImageRef(ref: string): ImageRefProblem | undefined {
  if (/\s/.test(ref)) return problem("contains whitespace");
  const at = ref.indexOf("@");
  const digest = at >= 0 ? ref.slice(at + 1) : undefined;
  const rest = at >= 0 ? ref.slice(0, at) : ref;
  if (digest !== undefined && !DIGEST.test(digest))
    return problem("has an invalid digest", 'a digest is "sha256:" and 64 hex digits');
  // A ':' after the last '/' starts the tag; one before it is a registry port.
  const colon = rest.lastIndexOf(":");
  const hasTag = colon > rest.lastIndexOf("/");
  const name = hasTag ? rest.slice(0, colon) : rest;
  if (hasTag) {
    const tag = rest.slice(colon + 1);
    if (tag === "")
      return problem(
        "ends in ':' with an empty tag",
        "an ${env:...} reference in the tag probably expanded to nothing: set the variable, give it a default with ${env:TAG:-latest}, or drop the ':'",
      );
    if (!TAG.test(tag))
      return problem(
        "has an invalid tag",
        "a tag is up to 128 letters, digits, '_', '.' or '-', not starting with '.' or '-'",
      );
  }
  return checkName(name);
}
