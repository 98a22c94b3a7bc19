import type { HostMessage } from '../../shared/protocol';
import { connect, readBootstrap } from '../vscodeApi';

interface Boot {
  strings: Record<string, string>;
  language: string;
}

const boot = readBootstrap<Boot>();
const status = document.createElement('p');
status.className = 'status';
status.setAttribute('role', 'status');
status.textContent = boot.strings.empty;
document.body.append(status);

const vscode = connect<unknown>((msg: HostMessage) => {
  switch (msg.type) {
    case 'ping':
      vscode.postMessage({ type: 'pong', id: msg.id });
      break;
    case 'status':
      status.textContent = msg.message;
      break;
    default:
      break;
  }
});
vscode.postMessage({ type: 'ready' });
