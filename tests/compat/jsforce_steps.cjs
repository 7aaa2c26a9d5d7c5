// jsforce 3 driving the emulator: each step's observable result goes into one JSON object
// (printed last) that tests/compat/test_jsforce.py asserts step by step. A failing step
// records its error and the others still run, so one run reports every operation.
'use strict';
const fs = require('fs');
const jsforce = require(process.env.JSFORCE_MODULE);

const env = process.env;
const out = {};

async function step(name, fn) {
  try {
    out[name] = await fn();
  } catch (err) {
    out[name] = { error: String((err && (err.errorCode ? `${err.errorCode}: ${err.message}` : err.stack)) || err) };
  }
}

async function collect(stream) {
  const rows = [];
  for await (const row of stream) rows.push(row);
  return rows;
}

(async () => {
  const conn = new jsforce.Connection({ loginUrl: env.LOGIN_URL, version: env.API_VERSION });
  conn.bulk2.pollInterval = 200;
  conn.metadata.pollInterval = 200;

  await step('login', async () => {
    const info = await conn.login(env.SF_USERNAME, env.SF_PASSWORD);
    return { userId: info.id, organizationId: info.organizationId, instanceUrl: conn.instanceUrl };
  });

  await step('identity', async () => {
    const id = await conn.identity();
    return { user_id: id.user_id, organization_id: id.organization_id, username: id.username };
  });

  await step('query_more', async () => {
    const first = await conn.query('SELECT Id FROM Account');
    const more = await conn.queryMore(first.nextRecordsUrl);
    const all = await conn.query('SELECT Id, Name FROM Account', { autoFetch: true, maxFetch: 10000 });
    return { totalSize: first.totalSize, firstPage: first.records.length, firstDone: first.done,
             secondPage: more.records.length, secondDone: more.done,
             autoFetched: new Set(all.records.map((r) => r.Id)).size };
  });

  await step('bulk2_query', async () => {
    const rows = await collect(await conn.bulk2.query('SELECT Id, Name FROM Account'));
    return { rows: rows.length, firstIdPrefix: rows[0].Id.slice(0, 3) };
  });

  await step('bulk2_load', async () => {
    const csv = 'LastName,Email\nBulkone,one@bulk.example\nBulktwo,two@bulk.example\n,bad@bulk.example\n';
    const res = await conn.bulk2.loadAndWaitForResults({ object: 'Contact', operation: 'insert', input: csv });
    return { successful: res.successfulResults.length, failed: res.failedResults.length,
             failedError: res.failedResults[0] && res.failedResults[0].sf__Error };
  });

  await step('crud', async () => {
    const account = conn.sobject('Account');
    const created = await account.create({ Name: 'Jsforce Crud Co', Industry: 'Retail' });
    await account.update({ Id: created.id, Name: 'Jsforce Crud Company' });
    const read = await account.retrieve(created.id);
    const destroyed = await account.destroy(created.id);
    let afterDelete = null;
    try { await account.retrieve(created.id); } catch (err) { afterDelete = err.errorCode; }
    return { created: created.success, name: read.Name, industry: read.Industry, destroyed: destroyed.success,
             afterDelete };
  });

  await step('upsert', async () => {
    const opp = conn.sobject('Opportunity');
    const record = { Expansion_Key__c: 'jsforce-1', Name: 'Jsforce first', StageName: 'Prospecting',
                     CloseDate: '2027-03-01' };
    const first = await opp.upsert(record, 'Expansion_Key__c');
    const second = await opp.upsert({ ...record, Name: 'Jsforce second' }, 'Expansion_Key__c');
    const rows = await conn.query("SELECT Name FROM Opportunity WHERE Expansion_Key__c = 'jsforce-1'");
    return { firstCreated: first.created, secondCreated: second.created, names: rows.records.map((r) => r.Name) };
  });

  await step('collections', async () => {
    const account = conn.sobject('Account');
    const created = await account.create([{ Name: 'Jsforce Many 1' }, { Name: 'Jsforce Many 2' }, { Name: '' }]);
    const ids = created.filter((r) => r.success).map((r) => r.id);
    const updated = await account.update(ids.map((id, i) => ({ Id: id, Industry: i ? 'Media' : 'Energy' })));
    const read = await account.retrieve(ids);
    const destroyed = await account.destroy(ids);
    return { created: created.map((r) => r.success), failedCode: created[2].errors[0].statusCode,
             updated: updated.every((r) => r.success), industries: read.map((r) => r.Industry),
             destroyed: destroyed.every((r) => r.success) };
  });

  await step('composite', async () => {
    const res = await conn.requestPost('/composite', { allOrNone: true, compositeRequest: [
      { method: 'POST', url: `/services/data/v${env.API_VERSION}/sobjects/Account`, referenceId: 'acct',
        body: { Name: 'Jsforce Composite Co' } },
      { method: 'POST', url: `/services/data/v${env.API_VERSION}/sobjects/Contact`, referenceId: 'person',
        body: { LastName: 'Composite', AccountId: '@{acct.id}' } },
      { method: 'GET', url: `/services/data/v${env.API_VERSION}/sobjects/Contact/@{person.id}?fields=AccountId`,
        referenceId: 'check' },
    ] });
    const [acct, , check] = res.compositeResponse;
    return { statuses: res.compositeResponse.map((r) => r.httpStatusCode), linked: check.body.AccountId === acct.body.id };
  });

  await step('composite_batch', async () => {
    const res = await conn.requestPost('/composite/batch', { batchRequests: [
      { method: 'GET', url: `v${env.API_VERSION}/query?q=SELECT+Id+FROM+Account+LIMIT+1` },
      { method: 'GET', url: `v${env.API_VERSION}/sobjects/Account/001000000000000AAA` },
    ] });
    return { hasErrors: res.hasErrors, statuses: res.results.map((r) => r.statusCode) };
  });

  await step('tree', async () => {
    const res = await conn.requestPost('/composite/tree/Account', { records: [
      { attributes: { type: 'Account', referenceId: 'tree1' }, Name: 'Jsforce Tree Co',
        Contacts: { records: [{ attributes: { type: 'Contact', referenceId: 'tree2' }, LastName: 'Treeling' }] } },
    ] });
    return { hasErrors: res.hasErrors, refs: res.results.map((r) => r.referenceId).sort() };
  });

  await step('metadata_deploy', async () => {
    const zip = fs.readFileSync(env.DEPLOY_ZIP);
    const result = await conn.metadata.deploy(zip, { singlePackage: true, rollbackOnError: true }).complete(true);
    const successes = [].concat(result.details.componentSuccesses || []);
    const describe = await conn.sobject('Account').describe();
    return { status: result.status, success: result.success,
             components: successes.map((c) => `${c.componentType}:${c.fullName}`).sort(),
             describedType: (describe.fields.find((f) => f.name === 'Compat_Score__c') || {}).type };
  });

  await step('metadata_deploy_rest', async () => {
    const zip = fs.readFileSync(env.DEPLOY_ZIP_REST);
    const locator = conn.metadata.deployRest(zip, { singlePackage: true, checkOnly: false });
    const soapView = await locator.complete(true);
    const restView = await conn.metadata.checkDeployStatus(soapView.id, true, true);
    return { status: soapView.status, restStatus: restView.status,
             restFailures: [].concat(restView.details.componentFailures || []).map((f) => `${f.fullName}: ${f.problem}`) };
  });

  await step('metadata_read_list', async () => {
    const field = await conn.metadata.read('CustomField', 'Account.Compat_Score__c');
    const layout = await conn.metadata.read('Layout', 'Account-Compat Layout');
    const list = await conn.metadata.list([{ type: 'CustomField' }, { type: 'Layout' }]);
    return { fieldType: field.type, fieldLabel: field.label, precision: field.precision, layoutName: layout.fullName,
             listed: list.map((c) => `${c.type}:${c.fullName}`).filter((n) => n.includes('Compat')).sort() };
  });

  process.stdout.write(`\n@@RESULTS@@${JSON.stringify(out)}\n`);
})();
