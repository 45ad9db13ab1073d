import { Menu, type BrowserWindow, type MenuItemConstructorOptions } from 'electron';

/** A plain application menu; no update checks or telemetry entries (offline hospitals). */
export function buildMenu(window: BrowserWindow): void {
  const template: MenuItemConstructorOptions[] = [
    { role: 'fileMenu' },
    { role: 'editMenu' },
    {
      label: 'View',
      submenu: [{ role: 'resetZoom' }, { role: 'zoomIn' }, { role: 'zoomOut' }, { type: 'separator' }, { role: 'togglefullscreen' }, { role: 'toggleDevTools' }],
    },
    { role: 'windowMenu' },
  ];
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
  window.setMenuBarVisibility(true);
}
