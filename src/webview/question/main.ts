import { readBootstrap } from '../vscodeApi';

const boot = readBootstrap<{ html: string }>();
document.body.innerHTML = boot.html;
