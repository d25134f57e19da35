import type { ReactNode } from 'react';
import type { Filing, FilingAgent, FilingStatus, NationalRecord } from '../api.ts';
import { useRegionIndex } from '../data.ts';
import { dateOfTimestamp } from '../dates.ts';
import { relationText, statusTone, validityOf } from '../filing.ts';
import { useI18n } from '../i18n.tsx';
import { Badge, Facts, tCode, Unbroken } from './ui.tsx';

export function Validity({ filing }: { filing: Pick<Filing | NationalRecord, 'begin_date' | 'end_date'> }) {
  const { t } = useI18n();
  const v = validityOf(filing);
  return <Unbroken text={t(v.key)} values={v.values} />;
}

export function FilingStatusBadge({ status }: { status: FilingStatus }) {
  const { t } = useI18n();
  return <Badge tone={statusTone(status)}>{tCode(t, 'fstatus', status)}</Badge>;
}

/** The name of a filed area: a pooling area, or a whole province. */
export function useAreaName(): (code: string) => string {
  const { nameOf } = useI18n();
  const regions = useRegionIndex();
  return (code) => nameOf(regions.get(code), code);
}

function isFiling(f: Filing | NationalRecord): f is Filing {
  return 'created_at' in f;
}

/**
 * What a person (or a clerk) needs to know of one filing: where, what, how
 * long, and where it was made: the channel answers "who filed this for me?".
 */
export function FilingFacts({
  filing,
  agent,
  withStatus = true,
  withKind = true,
  withArea = true,
  withChannel = true,
}: {
  filing: Filing | NationalRecord;
  agent?: FilingAgent | null;
  withStatus?: boolean;
  withKind?: boolean;
  withArea?: boolean;
  withChannel?: boolean;
}) {
  const { t } = useI18n();
  const areaName = useAreaName();
  const who = agent ?? (isFiling(filing) ? filing.agent : null);
  const items: [string, ReactNode][] = [];
  if (withKind) items.push([t('fil.kind'), tCode(t, 'filing', filing.kind)]);
  if (withArea) items.push([t('fil.area'), areaName(filing.area)]);
  items.push([t('fil.validity'), <Validity key="v" filing={filing} />]);
  if (withStatus) items.push([t('fil.status'), <FilingStatusBadge key="s" status={filing.status} />]);
  if (withChannel) items.push([t('fil.channel'), tCode(t, 'channel', filing.channel)]);
  items.push([t('fil.filedOn'), dateOfTimestamp(isFiling(filing) ? filing.created_at : filing.filed_at)]);
  if (who) items.push([t('fil.agent'), t('fil.agentValue', { name: who.name, relation: relationText(t, who.relation) })]);
  if (isFiling(filing) && filing.late) items.push([t('fil.late'), t('common.yes')]);
  if (isFiling(filing) && filing.review_reason && (filing.status === 'rejected' || filing.status === 'cancelled')) {
    items.push([t(filing.status === 'rejected' ? 'fil.reviewReason' : 'fil.cancelReason'), filing.review_reason]);
  }
  items.push([t('fil.no'), <span key="n" className="code">{filing.filing_no}</span>]);
  return <Facts items={items} />;
}
