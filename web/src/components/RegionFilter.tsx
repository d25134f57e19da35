import { usePoolingAreas, useProvinces } from '../data.ts';
import { provinceOf } from '../format.ts';
import { useI18n } from '../i18n.tsx';
import { SelectField } from './ui.tsx';

/** Province, then (optionally) one of its pooling areas. Municipalities pool at province level and offer no second choice. */
export function RegionFilter({
  province,
  area,
  onChange,
  withArea = true,
  allowAll = true,
  labels,
}: {
  province: string;
  area: string;
  onChange: (province: string, area: string) => void;
  withArea?: boolean;
  allowAll?: boolean;
  /** when the page filters on one of several places (insured, treatment) */
  labels?: { province: string; area: string };
}) {
  const { t, nameOf } = useI18n();
  const provinces = useProvinces().filter((p) => p.has_scheme);
  const areas = usePoolingAreas().filter((a) => province !== '' && provinceOf(a.code) === province && a.code !== province);
  return (
    <>
      <SelectField
        name="province"
        label={labels?.province ?? t('filter.province')}
        value={province}
        allLabel={allowAll || province === '' ? (allowAll ? t('common.all') : t('cat.chooseProvince')) : undefined}
        options={provinces.map((p) => ({ value: p.code, label: nameOf(p, p.code) }))}
        onChange={(v) => onChange(v, '')}
      />
      {withArea && areas.length > 0 && (
        <SelectField name="area" label={labels?.area ?? t('filter.area')} value={area} allLabel={t('common.all')} options={areas.map((a) => ({ value: a.code, label: nameOf(a, a.code) }))} onChange={(v) => onChange(province, v)} />
      )}
    </>
  );
}
