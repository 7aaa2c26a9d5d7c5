/**
 * Number and date formats shared with the long-text map Expansion Radar writes into
 * White_Space__c (detection/formatting.py): whole dollars with thousands separators
 * ($12,345, -$1,200) and whole percents (92%), so the panel and the text read the same.
 */
const MONEY = new Intl.NumberFormat('en-US', {
    style: 'currency',
    currency: 'USD',
    maximumFractionDigits: 0,
    minimumFractionDigits: 0
});

export function money(amount) {
    if (amount === null || amount === undefined || Number.isNaN(Number(amount))) {
        return '';
    }
    return MONEY.format(Math.round(Number(amount)));
}

export function percent(ratio) {
    if (ratio === null || ratio === undefined) {
        return '';
    }
    return `${Math.round(Number(ratio) * 100)}%`;
}

/** "2026-11-20" -> "Nov 20, 2026" (ISO dates are calendar days: no time zone shift). */
export function day(iso) {
    if (!iso) {
        return '';
    }
    const [year, month, date] = iso.split('-').map(Number);
    const when = new Date(Date.UTC(year, month - 1, date));
    return when.toLocaleDateString('en-US', {
        year: 'numeric',
        month: 'short',
        day: 'numeric',
        timeZone: 'UTC'
    });
}
