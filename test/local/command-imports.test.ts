import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../support/npm-cli";

const COMMANDS = join(REPO_ROOT, "bin/commands");

/** Each command module's imports of its siblings (`./x`), read from the source. */
function siblingImports(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of readdirSync(COMMANDS).filter((name) => name.endsWith(".ts"))) {
    const source = readFileSync(join(COMMANDS, file), "utf8");
    const siblings = [...source.matchAll(/from "\.\/([\w-]+)"/g)].map((match) => `${match[1]}.ts`);
    graph.set(file, siblings);
  }
  return graph;
}

function cycleFrom(graph: Map<string, string[]>, start: string): string[] | undefined {
  const walk = (node: string, path: string[]): string[] | undefined => {
    for (const next of graph.get(node) ?? []) {
      if (next === start) return [...path, next];
      if (!path.includes(next)) {
        const found = walk(next, [...path, next]);
        if (found) return found;
      }
    }
    return undefined;
  };
  return walk(start, [start]);
}

describe("the CLI's command modules", () => {
  it("import each other without a loop: shared argument parsers live in arguments.ts (#13 item 9)", () => {
    const graph = siblingImports();
    expect(graph.get("start.ts")).toContain("arguments.ts");
    const cycles = [...graph.keys()].flatMap((file) => cycleFrom(graph, file)?.join(" → ") ?? []);
    expect(cycles).toEqual([]);
  });
});
