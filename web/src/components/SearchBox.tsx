import { useEffect, useState, type FormEvent } from 'react';
import { useI18n } from '../i18n.tsx';
import { Field } from './ui.tsx';

/** A text filter applied on submit (not on every key), so a slow phone is not flooded with requests. */
export function SearchBox({ label, placeholder, value, onSearch }: { label: string; placeholder?: string; value: string; onSearch: (q: string) => void }) {
  const { t } = useI18n();
  const [text, setText] = useState(value);
  useEffect(() => {
    setText(value);
  }, [value]);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onSearch(text.trim());
  };
  return (
    <form className="search-box" role="search" onSubmit={submit}>
      <Field label={label}>
        {(id) => <input id={id} name="q" type="search" value={text} placeholder={placeholder} onChange={(e) => setText(e.target.value)} enterKeyHint="search" />}
      </Field>
      <button type="submit" className="btn btn-primary">
        {t('common.search')}
      </button>
    </form>
  );
}
