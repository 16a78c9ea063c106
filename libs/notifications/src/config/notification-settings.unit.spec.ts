import { ConfigError } from '@sluice/runtime';
import { notificationSettingsFrom } from './notification-settings';

describe('notificationSettingsFrom', () => {
  it('leaves the links to the address of the platform and sends no email by default', () => {
    expect(notificationSettingsFrom({})).toEqual({ allowedAddresses: [] });
  });

  it('reads the public URL, the allowed addresses and the SMTP relay', () => {
    expect(
      notificationSettingsFrom({ SLUICE_PUBLIC_URL: 'https://ci.example.com', SLUICE_NOTIFICATION_ALLOWED_ADDRESSES: '127.0.0.1, 10.0.0.5', SLUICE_SMTP_HOST: 'mail.internal', SLUICE_SMTP_PORT: '2525', SLUICE_SMTP_FROM: 'ci@example.com' }),
    ).toEqual({ publicUrl: 'https://ci.example.com', allowedAddresses: ['127.0.0.1', '10.0.0.5'], smtp: { host: 'mail.internal', port: 2525, from: 'ci@example.com' } });
  });

  it('names every bad variable at once', () => {
    let thrown: unknown;
    try {
      notificationSettingsFrom({ SLUICE_PUBLIC_URL: 'ftp://x', SLUICE_NOTIFICATION_ALLOWED_ADDRESSES: 'localhost', SLUICE_SMTP_HOST: 'mail', SLUICE_SMTP_PORT: '0' });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    expect((thrown as ConfigError).problems.map((p) => p.variable)).toEqual(['SLUICE_PUBLIC_URL', 'SLUICE_NOTIFICATION_ALLOWED_ADDRESSES', 'SLUICE_SMTP_PORT', 'SLUICE_SMTP_FROM']);
  });
});
