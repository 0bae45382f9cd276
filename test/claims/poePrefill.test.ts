import assert from 'node:assert/strict';
import { proposeFromText } from '../../claims/poePrefill';

const context = { partnerDomains: ['fabrikam.com'] };

describe('prefill from a statement of work', () => {
  const rows: { name: string; text: string; expected: ReturnType<typeof proposeFromText> }[] = [
    {
      name: 'English SOW: onmicrosoft domain, labelled tenant, the customer signer (not the partner)',
      text: [
        'Statement of Work between Fabrikam and Contoso Ltd',
        'Customer tenant: contoso.onmicrosoft.com (Tenant ID 3F2504E0-4F89-41D3-9A0C-0305E82C3301)',
        'Reference 6ba7b810-9dad-41d1-80b4-00c04fd430c8',
        'Scope: Dynamics 365 Sales roll-out and Power BI dashboards.',
        'Partner signature',
        'Name: Pat Partner',
        'pat@fabrikam.com',
        '',
        'Customer signature',
        'Name: Chris Customer',
        'Title: CIO',
        'Email: chris@contoso.com',
      ].join('\n'),
      expected: {
        customerDomain: 'contoso.onmicrosoft.com',
        customerTenantId: '3f2504e0-4f89-41d3-9a0c-0305e82c3301',
        contacts: [{ name: 'Chris Customer', email: 'chris@contoso.com', title: 'CIO' }],
        productIds: ['dynamics365Sales', 'powerBI'],
      },
    },
    {
      name: 'Korean SOW: the domain from the signer, name on the same line',
      text: [
        '작업 기술서',
        'Exchange Online 및 Microsoft Teams 도입',
        '고객 승인',
        '김민수 <minsu.kim@contoso.co.kr>',
        '서명: ______',
      ].join('\n'),
      expected: {
        customerDomain: 'contoso.co.kr',
        contacts: [{ name: '김민수', email: 'minsu.kim@contoso.co.kr' }],
        productIds: ['exchangeOnline', 'microsoftTeams'],
      },
    },
    {
      name: 'Japanese SOW: labelled name above the email, a GUID without a label',
      text: [
        '作業範囲記述書',
        'テナント: 3f2504e0-4f89-41d3-9a0c-0305e82c3301',
        'Power BI の導入',
        'お客様承認',
        '氏名: 山田 太郎',
        '役職: 情報システム部長',
        'taro.yamada@contoso.co.jp',
      ].join('\n'),
      expected: {
        customerDomain: 'contoso.co.jp',
        customerTenantId: '3f2504e0-4f89-41d3-9a0c-0305e82c3301',
        contacts: [{ name: '山田 太郎', email: 'taro.yamada@contoso.co.jp', title: '情報システム部長' }],
        productIds: ['powerBI'],
      },
    },
    { name: 'nothing to propose', text: 'Meeting notes', expected: { contacts: [], productIds: [] } },
    {
      name: 'only the partner signed',
      text: 'Signature\nName: Pat Partner\npat@fabrikam.com',
      expected: { contacts: [], productIds: [] },
    },
  ];
  for (const row of rows) {
    it(row.name, () => assert.deepEqual(proposeFromText(row.text, context), row.expected));
  }
});
