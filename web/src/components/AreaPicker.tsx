import { usePoolingAreas, useProvinces } from '../data.ts';
import { provinceOf } from '../format.ts';
import { useI18n } from '../i18n.tsx';
import { Field } from './ui.tsx';

/**
 * Chooses one treatment area: a province, then one of its pooling areas (or the
 * whole province, where the insured place allows it). Municipalities pool at
 * province level, so choosing one is choosing the area.
 */
export function AreaPicker({
  province,
  area,
  onChange,
  exclude,
  wholeProvince = false,
  error,
  areaLabel,
}: {
  province: string;
  area: string;
  onChange: (province: string, area: string) => void;
  /** the insured place: home needs no filing */
  exclude?: string | undefined;
  wholeProvince?: boolean;
  error?: string | undefined;
  areaLabel: string;
}) {
  const { t, nameOf } = useI18n();
  const provinces = useProvinces().filter((p) => p.has_scheme);
  const chosen = provinces.find((p) => p.code === province);
  const municipality = chosen?.is_pooling ?? false;
  const areas = usePoolingAreas().filter((a) => province !== '' && provinceOf(a.code) === province && a.code !== province && a.code !== exclude);
  const offerProvince = wholeProvince && chosen !== undefined && !municipality && (exclude === undefined || provinceOf(exclude) !== province);

  const pickProvince = (code: string) => {
    const p = provinces.find((x) => x.code === code);
    onChange(code, p?.is_pooling ? code : '');
  };

  return (
    <div className="area-picker">
      <Field label={t('filter.province')} error={municipality || province === '' ? error : undefined}>
        {(id, describedBy) => (
          <select id={id} name="province" value={province} onChange={(e) => pickProvince(e.target.value)} aria-describedby={describedBy} aria-invalid={(municipality || province === '') && error ? true : undefined}>
            <option value="">{t('common.choose')}</option>
            {provinces.map((p) => (
              <option key={p.code} value={p.code}>
                {nameOf(p, p.code)}
              </option>
            ))}
          </select>
        )}
      </Field>
      {chosen && !municipality && (
        <Field label={areaLabel} error={error}>
          {(id, describedBy) => (
            <select id={id} name="area" value={area} onChange={(e) => onChange(province, e.target.value)} aria-describedby={describedBy} aria-invalid={error ? true : undefined}>
              <option value="">{t('common.choose')}</option>
              {offerProvince && <option value={province}>{t('area.wholeProvince', { province: nameOf(chosen, province) })}</option>}
              {areas.map((a) => (
                <option key={a.code} value={a.code}>
                  {nameOf(a, a.code)}
                </option>
              ))}
            </select>
          )}
        </Field>
      )}
      {chosen && municipality && <p className="field-hint">{t('area.municipality', { name: nameOf(chosen, province) })}</p>}
    </div>
  );
}
