/**
 * The words that mark the parts of a proof of execution a reviewer looks for, in
 * English, Korean and Japanese: one table per question. Matched with `containsTerm`
 * (whole words for Latin terms, anywhere for CJK ones).
 */
type Vocabulary = Readonly<Record<'en' | 'ko' | 'ja', readonly string[]>>;

/** A signature, acceptance or approval block. */
export const ACKNOWLEDGEMENT_WORDS: Vocabulary = {
  en: [
    'signature',
    'signed',
    'sign off',
    'signed off',
    'accepted',
    'acceptance',
    'approved',
    'approval',
    'agreed',
    'acknowledged',
    'acknowledgement',
    'authorized signatory',
    'confirmed',
  ],
  ko: ['서명', '승인', '수락', '동의', '확인', '날인'],
  ja: ['署名', '承認', '承諾', '同意', '受領', '確認', '記名', '押印', '捺印'],
};

/** A description of the work the partner did. */
export const WORK_WORDS: Vocabulary = {
  en: [
    'deployed',
    'deployment',
    'deploy',
    'implemented',
    'implementation',
    'migrated',
    'migration',
    'configured',
    'configuration',
    'rollout',
    'rolled out',
    'installed',
    'workshop',
    'training',
    'onboarding',
    'adoption',
    'scope of work',
    'statement of work',
    'deliverables',
    'services',
    'consulting',
    'pre sales',
    'proof of concept',
  ],
  ko: [
    '구축',
    '배포',
    '구현',
    '마이그레이션',
    '이전',
    '설정',
    '도입',
    '작업 범위',
    '교육',
    '컨설팅',
    '서비스',
    '기술 지원',
  ],
  ja: [
    '導入',
    '構築',
    '移行',
    '展開',
    '設定',
    '作業範囲',
    '実施',
    '支援',
    'サービス',
    'トレーニング',
    'コンサルティング',
  ],
};

/** Where a signature block is the customer's (used to tell customer contacts from the partner's). */
export const CUSTOMER_ROLE_WORDS: Vocabulary = {
  en: ['customer', 'client'],
  ko: ['고객', '고객사', '발주자', '갑'],
  ja: ['お客様', '顧客', '発注者', '甲'],
};

export const allWords = (vocabulary: Vocabulary): string[] => Object.values(vocabulary).flat();
