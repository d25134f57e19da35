import type { FilingProof } from '../api.ts';
import { PROOF_FIELDS, proofFieldLabel, type ProofType } from '../filing.ts';
import { useI18n } from '../i18n.tsx';
import { Facts, tCode } from './ui.tsx';

/** What the person showed: the document's particulars, or that they signed the commitment. */
export function ProofFacts({ proof }: { proof: FilingProof }) {
  const { t } = useI18n();
  const type = proof.type as ProofType;
  const fields = PROOF_FIELDS[type] ?? [];
  const values = proof as unknown as Record<string, unknown>;
  return (
    <Facts
      items={[
        [t('af.proof'), type === 'commitment' ? t('proof.commitmentSigned') : tCode(t, 'proof', type)],
        ...fields.map((f): [string, string] => [t(proofFieldLabel(type, f)), typeof values[f] === 'string' ? (values[f] as string) : '—']),
      ]}
    />
  );
}
