/**
 * Integ test of the six parallel scenarios (see `parallel-scenarios-app.ts`).
 *
 * Offline snapshot check:  npx integ-runner --language typescript --directory integ
 * Refresh the snapshot:    npx integ-runner --language typescript --directory integ --update-on-failed --dry-run
 * Deployed run (needs credentials and a bootstrapped account):
 *                          npx integ-runner --language typescript --directory integ --force
 */
import { App } from 'aws-cdk-lib';
import { buildParallelScenariosApp } from './parallel-scenarios-app';

const app = new App();
buildParallelScenariosApp(app);
app.synth();
