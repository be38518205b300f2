// Starts `journeyc lsp` for the YAML files of a workspace that holds a journeyc.yaml.
// Everything else (diagnostics, hover, completion, definitions, quick fixes) comes from the server.
const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");

let client;

async function activate(context) {
  const command = vscode.workspace.getConfiguration("journeyc").get("command", "journeyc");
  const server = { command, args: ["lsp"] };
  client = new LanguageClient("journeyc", "journeyc", { run: server, debug: server }, {
    documentSelector: [{ scheme: "file", language: "yaml" }],
    // the server also reads the files that are not open: tell it when they change on disk
    synchronize: { fileEvents: vscode.workspace.createFileSystemWatcher("**/*.{yaml,yml,json}") },
  });
  context.subscriptions.push(client);
  await client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
