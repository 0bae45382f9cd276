import assert from 'node:assert/strict';
import { readTypedValues } from '../../claims/typedValues';

describe('readTypedValues', () => {
  it('reads a domain and a tenant ID typed together, whatever the punctuation', () => {
    assert.deepEqual(readTypedValues('fabrikam.com 3f2504e0-4f89-41d3-9a0c-0305e82c3301'), {
      domain: 'fabrikam.com',
      tenantId: '3f2504e0-4f89-41d3-9a0c-0305e82c3301',
    });
    assert.deepEqual(readTypedValues('“contoso.com”, tenant: {aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee}.'), {
      domain: 'contoso.com',
      tenantId: '{aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee}',
    });
  });

  it('reads an email and an MPN ID, full-width digits included', () => {
    assert.deepEqual(readTypedValues('연락처는 dana@contoso.com 입니다'), { email: 'dana@contoso.com' });
    assert.deepEqual(readTypedValues('ＭＰＮ １２３４５６７'), { mpnId: '1234567' });
  });

  it('takes nothing from words that are not values', () => {
    assert.deepEqual(readTypedValues('here it is, please.'), {});
    assert.deepEqual(readTypedValues('contoso'), {});
    assert.deepEqual(readTypedValues('12'), {});
  });
});
