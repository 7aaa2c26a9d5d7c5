/**
 * Expansion Radar on the Account record page.
 *
 * Reads one field with the Lightning Data Service (getRecord): White_Space_Json__c, the
 * document Expansion Radar writes on every scan that changes the analysis (plays/panel.py).
 * No Apex: the numbers are the ones the product computed, and the user's field-level
 * security applies (the Expansion Radar CS and AE permission sets grant read access).
 *
 * The open follow-up (or renewal-rescue) Task is read live with the GraphQL wire adapter
 * (lightning/uiGraphQLApi, the module API 59 offers; lightning/graphql supersedes it in
 * later releases), so the panel shows what CS did to it since the scan.
 *
 * States: loading (spinner), error (the wire failed, or the field holds unreadable JSON),
 * empty (the account was never scanned), and the panel itself. The white-space table
 * stacks its cells on narrow screens (slds-max-medium-table_stacked), which is how it
 * reads in the Salesforce mobile app.
 */
import { LightningElement, api, wire } from 'lwc';
import { getRecord, getFieldValue } from 'lightning/uiRecordApi';
import { NavigationMixin } from 'lightning/navigation';
import { gql, graphql } from 'lightning/uiGraphQLApi';
import NAME_FIELD from '@salesforce/schema/Account.Name';
import PANEL_FIELD from '@salesforce/schema/Account.White_Space_Json__c';
import { money, percent, day } from './format';

const FIELDS = [NAME_FIELD, PANEL_FIELD];
export const SIGNALS_SHOWN = 5;

const BAND_THEME = {
    Green: 'slds-badge slds-theme_success',
    Yellow: 'slds-badge slds-theme_warning',
    Red: 'slds-badge slds-theme_error'
};
const PRIORITY_LABEL = { HIGH: 'High', MED: 'Medium', LOW: 'Low' };
const TASK_LABEL = { follow_up: 'Follow-up', renewal_rescue: 'Renewal rescue' };

// The account's open Task Radar asked CS to act on, earliest due first.
const OPEN_TASK_QUERY = gql`
    query radarOpenTask($accountId: ID) {
        uiapi {
            query {
                Task(
                    where: {
                        and: [
                            { WhatId: { eq: $accountId } }
                            { Radar_Action__c: { in: ["follow_up", "renewal_rescue"] } }
                            { IsClosed: { eq: false } }
                        ]
                    }
                    orderBy: { ActivityDate: { order: ASC } }
                    first: 1
                ) {
                    edges {
                        node {
                            Id
                            Subject {
                                value
                            }
                            ActivityDate {
                                value
                            }
                            Priority {
                                value
                            }
                            Radar_Action__c: Radar_Action__c {
                                value
                            }
                            Owner {
                                ... on User {
                                    Name {
                                        value
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
`;

function weighted(cell) {
    // Issue 15 adds an expected value per cell; show it when the map carries one.
    if (cell.weighted_acv !== undefined && cell.weighted_acv !== null) {
        return cell.weighted_acv;
    }
    if (cell.probability !== undefined && cell.estimated_acv !== undefined) {
        return cell.estimated_acv * cell.probability;
    }
    return null;
}

export default class RadarAccountPanel extends NavigationMixin(LightningElement) {
    @api recordId;

    accountName = '';
    doc;
    loadError;
    loaded = false;
    showAllSignals = false;
    openTask;

    get taskVariables() {
        return { accountId: this.recordId };
    }

    @wire(graphql, { query: OPEN_TASK_QUERY, variables: '$taskVariables' })
    wiredOpenTask({ data, errors }) {
        // A failed Task query only hides the follow-up line; the map is still worth showing.
        const edges = !errors && data && data.uiapi ? data.uiapi.query.Task.edges : [];
        this.openTask = edges.length ? edges[0].node : undefined;
    }

    @wire(getRecord, { recordId: '$recordId', fields: FIELDS })
    wiredAccount({ data, error }) {
        if (error) {
            this.loaded = true;
            this.doc = undefined;
            this.loadError = this.describe(error);
            return;
        }
        if (!data) {
            return;
        }
        this.loaded = true;
        this.loadError = undefined;
        this.accountName = getFieldValue(data, NAME_FIELD) || '';
        const raw = getFieldValue(data, PANEL_FIELD);
        if (!raw) {
            this.doc = undefined;
            return;
        }
        try {
            this.doc = JSON.parse(raw);
        } catch (e) {
            this.doc = undefined;
            this.loadError =
                'The Radar data on this account is unreadable; the next scan rewrites it.';
        }
    }

    describe(error) {
        const body = error && error.body;
        if (Array.isArray(body)) {
            return body.map((e) => e.message).join(', ');
        }
        if (body && body.message) {
            return body.message;
        }
        return 'Salesforce did not return the account.';
    }

    get loading() {
        return !this.loaded;
    }
    get hasError() {
        return Boolean(this.loadError);
    }
    get isEmpty() {
        return this.loaded && !this.loadError && !this.doc;
    }
    get hasDoc() {
        return Boolean(this.doc) && !this.loadError;
    }

    get title() {
        const name = (this.doc && this.doc.account_name) || this.accountName;
        return name ? `${name}: Expansion Radar` : 'Expansion Radar';
    }

    // --- readiness, strength, health ----------------------------------------------------
    get readiness() {
        return this.doc.readiness || 'None';
    }
    get strength() {
        return this.doc.strength && this.doc.strength !== 'None' ? this.doc.strength : 'No signal';
    }
    get health() {
        return this.doc.health || {};
    }
    get healthLabel() {
        const h = this.health;
        return h.score !== undefined ? `${h.band} health (${h.score})` : `${h.band || 'Unknown'} health`;
    }
    get healthClass() {
        return BAND_THEME[this.health.band] || 'slds-badge';
    }
    get isRed() {
        return this.health.band === 'Red' || this.doc.play === 'renewal_rescue';
    }
    get rescueText() {
        return this.doc.play_reason
            ? `Renewal rescue, no upsell: ${this.doc.play_reason}`
            : 'Renewal rescue, no upsell.';
    }

    // --- white-space map ----------------------------------------------------------------
    get ws() {
        return this.doc.white_space;
    }
    get cells() {
        const ws = this.ws;
        if (!ws || !ws.cells) {
            return [];
        }
        return ws.cells.map((cell) => {
            const active = cell.status === 'Active';
            const estimate = cell.estimated_acv;
            const w = weighted(cell);
            return {
                key: cell.product_id,
                product: cell.product_name,
                status: active ? 'Active' : 'Not owned',
                statusClass: active ? 'slds-badge slds-theme_success' : 'slds-badge',
                priority: active ? '' : PRIORITY_LABEL[cell.priority] || '',
                reason: active
                    ? [cell.current_acv !== undefined ? `ACV ${money(cell.current_acv)}` : '',
                        cell.upgrade_room || ''].filter(Boolean).join(' · ')
                    : cell.priority_reason || '',
                utilisation: cell.utilisation !== undefined ? percent(cell.utilisation) : '',
                // an owned product's estimate is its upgrade room: nothing to show when none
                estimate: estimate === undefined || estimate === null
                    ? ''
                    : active && !estimate ? '—' : `${money(estimate)}/yr`,
                method: cell.estimate_method || '',
                sample: cell.sample_size ? `${cell.sample_size} comparable` : '',
                weighted: w !== null ? money(w) : ''
            };
        });
    }
    get hasCells() {
        return this.cells.length > 0;
    }
    get hasWeighted() {
        return this.cells.some((c) => c.weighted);
    }
    get cellsLeftOut() {
        const n = this.ws && this.ws.cells_left_out;
        return n ? `${n} more products are not shown (the map is longer than the field holds).` : '';
    }
    get currentAcv() {
        return this.ws ? money(this.ws.current_acv) : '';
    }
    get potential() {
        return this.ws ? money(this.ws.potential) : '';
    }
    get totalAddressable() {
        const total = this.ws && this.ws.total_addressable;
        return total ? money(total) : '';
    }

    // --- signals ------------------------------------------------------------------------
    get allSignals() {
        return (this.doc.signals || []).map((s, i) => ({
            key: `${s.type}-${s.observed_on}-${i}`,
            label: s.label,
            when: day(s.observed_on),
            summary: s.summary,
            details: [s.window, s.rule ? `rule: ${s.rule}` : '']
                .filter(Boolean)
                .join(' · '),
            category: s.category === 'risk' ? 'Risk' : s.category === 'timing' ? 'Timing' : ''
        }));
    }
    get signals() {
        const all = this.allSignals;
        return this.showAllSignals ? all : all.slice(0, SIGNALS_SHOWN);
    }
    get hasSignals() {
        return this.allSignals.length > 0;
    }
    get hiddenSignals() {
        return this.showAllSignals ? 0 : Math.max(0, this.allSignals.length - SIGNALS_SHOWN);
    }
    get moreSignalsLabel() {
        return `Show all ${this.allSignals.length} signals`;
    }
    get hasHiddenSignals() {
        return this.hiddenSignals > 0;
    }
    get signalsLeftOut() {
        const n = this.doc.signals_left_out;
        return n ? `${n} more signals are not shown (the list is longer than the field holds).` : '';
    }
    handleShowAll() {
        this.showAllSignals = true;
    }

    // --- open follow-up -----------------------------------------------------------------
    get followUp() {
        const t = this.openTask;
        if (!t) {
            return undefined;
        }
        const value = (field) => (field && field.value) || '';
        const owner = t.Owner && t.Owner.Name ? t.Owner.Name.value : '';
        const due = value(t.ActivityDate);
        const priority = value(t.Priority);
        return {
            kind: TASK_LABEL[value(t.Radar_Action__c)] || 'Task',
            subject: value(t.Subject),
            meta: [due ? `Due ${day(due)}` : '', priority ? `${priority} priority` : '',
                owner ? `assigned to ${owner}` : ''].filter(Boolean).join(' · '),
            id: t.Id,
            url: `/lightning/r/Task/${t.Id}/view`
        };
    }
    get hasFollowUp() {
        return Boolean(this.followUp);
    }
    handleOpenFollowUp(event) {
        event.preventDefault();
        this[NavigationMixin.Navigate]({
            type: 'standard__recordPage',
            attributes: { recordId: this.followUp.id, objectApiName: 'Task', actionName: 'view' }
        });
    }
}
