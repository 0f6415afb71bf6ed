// The y-websocket reference server (y-websocket@1, bin/server.js) as shipped: documents in
// memory only (YPERSISTENCE unset), for the load generator's comparison (scripts/bench).
// Usage: node y-websocket.cjs PORT
const port = Number(process.argv[2]);
if (!Number.isInteger(port) || port <= 0) {
  console.error("usage: node y-websocket.cjs PORT");
  process.exit(2);
}
process.env.HOST = "127.0.0.1";
process.env.PORT = String(port);
delete process.env.YPERSISTENCE;
// The package does not export its bin/ folder, so load the file by path.
require(require("node:path").join(__dirname, "node_modules/y-websocket/bin/server.js"));
