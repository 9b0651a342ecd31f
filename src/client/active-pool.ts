import * as vscode from 'vscode';

/** The language id of pool documents. */
export const POOL_LANGUAGE = 'preference-pool';

/**
 * The pool the panel and the status bar show: the pool document in the active editor, else the
 * last one shown, or a pool file read from disk by "Open as Pool".
 */
export class ActivePool implements vscode.Disposable {
  private current: vscode.Uri | undefined;
  private readonly changed = new vscode.EventEmitter<vscode.Uri | undefined>();
  private readonly disposables: vscode.Disposable[] = [this.changed];

  /** Fires with the new active pool, or undefined when there is none. */
  readonly onDidChange = this.changed.event;

  constructor() {
    this.fromEditor(vscode.window.activeTextEditor);
    this.disposables.push(
      vscode.window.onDidChangeActiveTextEditor((editor) => this.fromEditor(editor)),
      vscode.workspace.onDidOpenTextDocument((document) => {
        if (document === vscode.window.activeTextEditor?.document) this.fromDocument(document);
      }),
      vscode.workspace.onDidCloseTextDocument((document) => {
        if (this.current?.toString() === document.uri.toString() && !this.fromDisk) {
          this.set(undefined);
        }
      }),
    );
  }

  /** True when the active pool was read from disk rather than through a document. */
  fromDisk = false;

  get uri(): vscode.Uri | undefined {
    return this.current;
  }

  set(uri: vscode.Uri | undefined, fromDisk = false): void {
    const same = uri?.toString() === this.current?.toString();
    this.current = uri;
    this.fromDisk = fromDisk;
    if (!same) this.changed.fire(uri);
  }

  private fromEditor(editor: vscode.TextEditor | undefined): void {
    if (editor) this.fromDocument(editor.document);
  }

  private fromDocument(document: vscode.TextDocument): void {
    if (document.languageId === POOL_LANGUAGE) this.set(document.uri);
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
