/**
 * `npm start`: reads the configuration, builds the application and serves it. Only wiring lives here.
 */
import { createApp } from './composition';
import { ConfigError, deploymentWarnings, loadConfig } from './config';
import { startServer } from './server';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  const app = await createApp(config);
  for (const warning of deploymentWarnings(config)) app.logger.warn({ check: 'deployment' }, warning);
  const running = await startServer(app, { port: config.PORT, host: config.HOST });
  app.logger.info({ port: running.port, store: app.store.kind, council: app.profile.id }, 'community-hub-bot started');
  process.stdout.write(
    [
      '',
      `  ${app.profile.shortName} community hub bot is running (${app.store.kind} store, council profile "${app.profile.id}")`,
      `  Bot Framework endpoint:  ${running.url}/api/messages   (Bot Framework Emulator, or POST activities)`,
      `  Resident web chat:       ${running.url}/   (${config.DIRECT_LINE_SECRET ? "Azure Bot Service's Direct Line" : 'embedded Direct Line'})`,
      `  Health:                  ${running.url}/healthz  ${running.url}/readyz`,
      app.language.mode === 'azure'
        ? '  Language services:       Azure AI Language, with the local analyser when it fails or is slow'
        : '  Language services:       local analyser (set AZURE_LANGUAGE_ENDPOINT and AZURE_LANGUAGE_KEY for Azure AI Language)',
      app.sms?.simulator
        ? `  SMS (simulated, no Twilio account): run \`npm run sms\` in another terminal`
        : app.sms
          ? `  SMS webhooks:            ${running.url}/api/sms  ${running.url}/api/sms/status (Twilio calls ${app.sms.routes.webhookUrl})`
          : '  SMS:                     off (set the TWILIO_ settings)',
      `  Hub staff console:       ${running.url}/hub   (accounts: npm run users -- add --email E --role R)`,
      '',
    ].join('\n'),
  );

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.logger.info({ signal }, 'shutting down: finishing turns in flight and pending texts');
    // Stop taking requests and finish the ones in flight; then app.close() processes every stored inbound text and
    // attempts every due reply before the store closes. Texts still failing stay in the outbox for the next start.
    await running.close();
    await app.close();
    app.logger.info('stopped cleanly');
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((err: unknown) => {
  process.stderr.write(`community-hub-bot could not start: ${err instanceof Error ? err.name + ': ' + err.message : String(err)}\n`);
  process.exit(1);
});
