// Drives an MCP server over stdio with the TypeScript SDK's client (protocol 2025-11-25) and prints one JSON object
// with what it saw. Usage: node ts-sdk-client.mjs <command> [args...]
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";

const [command, ...args] = process.argv.slice(2);
const transport = new StdioClientTransport({ command, args, stderr: "inherit" });
const client = new Client({ name: "code-interop-ts", version: "1.0.0" });
const report = {};
try {
  await client.connect(transport);
  report.server = client.getServerVersion();
  report.tools = (await client.listTools()).tools.map((t) => t.name);
  report.echo = await client.callTool({ name: "echo", arguments: { text: "hello" } });
  report.wrongArguments = await client.callTool({ name: "add", arguments: { a: "x", b: 2 } });
  report.missingArguments = await client.callTool({ name: "add", arguments: { a: 1 } });
  report.fails = await client.callTool({ name: "fails", arguments: {} });
  try {
    await client.callTool({ name: "nope", arguments: {} });
    report.unknownTool = "no error";
  } catch (error) {
    report.unknownTool = { code: error.code, message: error.message };
  }
  report.ping = await client.ping();
} catch (error) {
  report.error = String(error?.stack ?? error);
} finally {
  await client.close();
}
process.stdout.write(JSON.stringify(report) + "\n");
process.exit(report.error ? 1 : 0);
