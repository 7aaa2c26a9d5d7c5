import { createElement } from 'lwc';
import RadarAccountPanel from 'c/radarAccountPanel';
import { getRecord } from 'lightning/uiRecordApi';
import { graphql } from 'lightning/uiGraphQLApi';

// Record what the component asks Lightning to navigate to (the stock stub ignores it).
const mockNavigate = jest.fn();
jest.mock('lightning/navigation', () => {
    const Navigate = Symbol('Navigate');
    const NavigationMixin = (Base) =>
        class extends Base {
            [Navigate](pageReference) {
                mockNavigate(pageReference);
            }
        };
    NavigationMixin.Navigate = Navigate;
    return { NavigationMixin };
});

// Fixtures are the product's own panel documents (tests/field_specs/panel_fixtures.py).
const fullMap = require('./data/fullMap.json');
const emptyMap = require('./data/emptyMap.json');
const redAccount = require('./data/redAccount.json');
const longEvidence = require('./data/longEvidence.json');
// What the GraphQL API answers for the account's open Radar task (UI API GraphQL shape).
const openFollowUp = require('./data/openFollowUp.json');
const rescueTask = require('./data/rescueTask.json');

function panelDoc(record) {
    return JSON.parse(record.fields.White_Space_Json__c.value);
}

function mount() {
    const element = createElement('c-radar-account-panel', { is: RadarAccountPanel });
    element.recordId = '001000000000001AAA';
    document.body.appendChild(element);
    return element;
}

const flushPromises = () => Promise.resolve();

// The rendered DOM with shadow roots inlined: tests/field_specs/panel_screenshot.py turns
// it into the screenshot in docs/ (set RADAR_PANEL_HTML to a file path to write it).
function flatten(node) {
    if (node.nodeType === 3) {
        return node.textContent.replace(/&/g, '&amp;').replace(/</g, '&lt;');
    }
    if (node.nodeType !== 1 && node.nodeType !== 11) {
        return '';
    }
    const children = Array.from((node.shadowRoot || node).childNodes).map(flatten).join('');
    if (node.nodeType === 11) {
        return children;
    }
    const attrs = Array.from(node.attributes)
        .map((a) => ` ${a.name}="${a.value.replace(/"/g, '&quot;')}"`)
        .join('');
    const tag = node.tagName.toLowerCase();
    return `<${tag}${attrs}>${children}</${tag}>`;
}

function saveRendering(element) {
    if (process.env.RADAR_PANEL_HTML) {
        require('fs').writeFileSync(process.env.RADAR_PANEL_HTML, flatten(element));
    }
}
const $ = (element, id) => element.shadowRoot.querySelector(`[data-id="${id}"]`);
const $$ = (element, id) => Array.from(element.shadowRoot.querySelectorAll(`[data-id="${id}"]`));

describe('c-radar-account-panel', () => {
    afterEach(() => {
        while (document.body.firstChild) {
            document.body.removeChild(document.body.firstChild);
        }
        jest.clearAllMocks();
    });

    it('shows a spinner until the account arrives', () => {
        const element = mount();
        expect(element.shadowRoot.querySelector('lightning-spinner')).not.toBeNull();
        expect($(element, 'summary')).toBeNull();
    });

    it('renders a full map: readiness, one row per product with priority, reason, estimate and method', async () => {
        const element = mount();
        getRecord.emit(fullMap);
        graphql.emit(openFollowUp);
        await flushPromises();

        const doc = panelDoc(fullMap);
        expect($(element, 'title').textContent).toBe('Acme Robotics: Expansion Radar');
        expect($(element, 'readiness').textContent).toBe('Readiness: High');
        expect($(element, 'strength').textContent).toBe('Strength: Strong');
        expect($(element, 'health').textContent).toBe('Green health (82)');
        expect($(element, 'health').className).toContain('slds-theme_success');
        expect($(element, 'rescue')).toBeNull();

        const rows = $$(element, 'cell');
        expect(rows).toHaveLength(doc.white_space.cells.length);
        const marketing = rows.find((r) => r.textContent.includes('Marketing Hub'));
        expect(marketing.textContent).toContain('Not owned');
        expect(marketing.textContent).toContain('High: new department Marketing');
        expect(marketing.querySelector('[data-id="estimate"]').textContent).toBe('$20,000/yr');
        expect(marketing.querySelector('[data-id="method"]').textContent).toBe(
            'median of 12 comparable customers (Software, 200-999 employees)'
        );
        const analytics = rows.find((r) => r.textContent.includes('Analytics Cloud'));
        expect(analytics.textContent).toContain('92% used');
        expect(analytics.textContent).toContain('ACV $30,000');
        // the same figures the long-text map shows
        expect($(element, 'totals').textContent).toContain('Current ACV $38,000');
        expect($(element, 'totals').textContent).toContain('Weighted potential $14,425');
        expect($(element, 'totals').textContent).toContain('Total addressable $43,500');
        // the table stacks on phone widths
        expect(element.shadowRoot.querySelector('table').className).toContain(
            'slds-max-medium-table_stacked'
        );
        saveRendering(element);
    });

    it('lists current signals with evidence and dates, newest first', async () => {
        const element = mount();
        getRecord.emit(fullMap);
        await flushPromises();

        const signals = $$(element, 'signal');
        expect(signals).toHaveLength(5);
        expect(signals[2].textContent).toContain('Capacity Limit');
        expect(signals[2].textContent).toContain('Analytics Cloud units used 46/50 (92%) in 2026-10');
        expect(signals[2].textContent).toContain('Nov 2, 2026');
        expect($(element, 'show-all').textContent).toBe('Show all 7 signals');
    });

    it('links the open follow-up to its Task record', async () => {
        const element = mount();
        getRecord.emit(fullMap);
        graphql.emit(openFollowUp);
        await flushPromises();

        const link = $(element, 'follow-up-link');
        expect(link.textContent).toBe('Strong expansion signal: Acme Robotics');
        expect($(element, 'follow-up-meta').textContent).toBe(
            'Due Nov 4, 2026 · High priority · assigned to Mia Chen'
        );
        link.click();
        expect(mockNavigate).toHaveBeenCalledTimes(1);
        const pageReference = mockNavigate.mock.calls[0][0];
        expect(pageReference.type).toBe('standard__recordPage');
        expect(pageReference.attributes.recordId).toBe('00T000000000001AAA');
        expect(pageReference.attributes.objectApiName).toBe('Task');
    });

    it('renders an empty map with its own message and no table', async () => {
        const element = mount();
        getRecord.emit(emptyMap);
        graphql.emit({ uiapi: { query: { Task: { edges: [] } } } });
        await flushPromises();

        expect(element.shadowRoot.querySelector('table')).toBeNull();
        expect($(element, 'empty-map').textContent).toContain('No white-space yet');
        expect($(element, 'no-signals')).not.toBeNull();
        expect($(element, 'no-follow-up').textContent).toBe('No open follow-up.');
        expect($(element, 'readiness').textContent).toBe('Readiness: None');
        expect($(element, 'strength').textContent).toBe('Strength: No signal');
    });

    it('shows a Red account as renewal rescue with its rescue task', async () => {
        const element = mount();
        getRecord.emit(redAccount);
        graphql.emit(rescueTask);
        await flushPromises();

        expect($(element, 'health').textContent).toBe('Red health (52)');
        expect($(element, 'health').className).toContain('slds-theme_error');
        expect($(element, 'rescue').textContent).toBe(
            'Renewal rescue, no upsell: health 52 is Red (< 60): renewal rescue, no upsell'
        );
        const followUp = $(element, 'follow-up');
        expect(followUp.textContent).toContain('Renewal rescue');
        expect($(element, 'follow-up-link').textContent).toBe(
            'Renewal rescue: Acme Robotics (Red health)'
        );
        const labels = $$(element, 'signal').map((s) => s.textContent);
        expect(labels.some((t) => t.includes('Capacity Limit'))).toBe(false);
    });

    it('keeps a long evidence list short until asked, then shows every signal', async () => {
        const element = mount();
        getRecord.emit(longEvidence);
        await flushPromises();

        expect($$(element, 'signal')).toHaveLength(5);
        const more = $(element, 'show-all');
        expect(more.textContent).toBe('Show all 12 signals');
        more.click();
        await flushPromises();

        const signals = $$(element, 'signal');
        expect(signals).toHaveLength(12);
        expect(signals[11].textContent).toContain('Analytics Cloud usage 210 -> 282 units (1.34x)');
        expect(signals[11].textContent).toContain('rule: usage >= 1.30 x previous');
        expect($(element, 'show-all')).toBeNull();
    });

    it('says how many products and signals a map too long for the field left out', async () => {
        const doc = panelDoc(fullMap);
        doc.white_space.cells = doc.white_space.cells.slice(0, 2);
        doc.white_space.cells_left_out = 4;
        doc.signals = doc.signals.slice(0, 1);
        doc.signals_left_out = 6;
        const element = mount();
        getRecord.emit({
            apiName: 'Account',
            fields: { Name: { value: 'Acme Robotics' }, White_Space_Json__c: { value: JSON.stringify(doc) } }
        });
        await flushPromises();

        expect($$(element, 'cell')).toHaveLength(2);
        expect($(element, 'left-out').textContent).toBe(
            '4 more products are not shown (the map is longer than the field holds).'
        );
        expect($(element, 'signals-left-out').textContent).toContain('6 more signals');
    });

    it('says the account was not analysed yet when the field is empty', async () => {
        const element = mount();
        getRecord.emit({
            apiName: 'Account',
            fields: { Name: { value: 'Globex' }, White_Space_Json__c: { value: null } }
        });
        await flushPromises();

        expect($(element, 'title').textContent).toBe('Globex: Expansion Radar');
        expect($(element, 'empty').textContent).toContain('has not analysed this account yet');
        expect($(element, 'summary')).toBeNull();
    });

    it('shows the error when the record cannot be loaded', async () => {
        const element = mount();
        getRecord.error({ message: 'You do not have access to this record.' });
        await flushPromises();

        expect($(element, 'error').textContent).toContain('You do not have access to this record.');
    });

    it('still shows the map when the open-task query fails', async () => {
        const element = mount();
        getRecord.emit(fullMap);
        graphql.emitErrors([{ message: 'Task is not supported' }]);
        await flushPromises();

        expect($$(element, 'cell')).toHaveLength(panelDoc(fullMap).white_space.cells.length);
        expect($(element, 'no-follow-up').textContent).toBe('No open follow-up.');
    });

    it('shows an error, not a broken panel, when the stored JSON is unreadable', async () => {
        const element = mount();
        getRecord.emit({
            apiName: 'Account',
            fields: { Name: { value: 'Globex' }, White_Space_Json__c: { value: '{"readiness":' } }
        });
        await flushPromises();

        expect($(element, 'error').textContent).toContain('the next scan rewrites it');
        expect($(element, 'summary')).toBeNull();
    });
});
