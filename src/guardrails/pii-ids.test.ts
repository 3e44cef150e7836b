import { describe, expect, it } from 'vitest';
import { aadhaarValid, cpfValid, dniValid, niValid, panShape, verhoeff } from './pii-checks.js';
import { findPii } from './pii.js';

const found = (t: string) => findPii(t).map((s) => [s.kind, t.slice(s.start, s.end)]);

describe('national-id checksums and structure', () => {
  it('accepts issued forms and rejects near misses', () => {
    expect(verhoeff('2363')).toBe(true);
    expect(aadhaarValid('234567890124')).toBe(true);
    expect(aadhaarValid('234567890123')).toBe(false);
    expect(aadhaarValid('123456789012')).toBe(false); // never starts with 0 or 1
    expect(cpfValid('52998224725')).toBe(true);
    expect(cpfValid('52998224724')).toBe(false);
    expect(cpfValid('11111111111')).toBe(false);
    expect(dniValid('12345678Z')).toBe(true);
    expect(dniValid('12345678A')).toBe(false);
    expect(dniValid('X4827163S')).toBe(true);
    expect(niValid('JG103759A')).toBe(true);
    expect(niValid('GB103759A')).toBe(false); // prefix never issued
    expect(niValid('JG103759E')).toBe(false); // suffix A–D only
    expect(panShape('AFZPK7190K')).toEqual({ valid: true, person: true });
    expect(panShape('AAACB1234C').person).toBe(false);
  });
});

describe('findPii: ids, addresses, IPs, international phones, spelled e-mails', () => {
  it('finds them', () => {
    expect(found('My NI number is JG 10 37 59 A for payroll.')).toEqual([['id_number', 'JG 10 37 59 A']]);
    expect(found('My PAN is AFZPK7190K for the TDS form.')).toEqual([['id_number', 'AFZPK7190K']]);
    expect(found('Aadhaar: 2345 6789 0124')).toEqual([['id_number', '2345 6789 0124']]);
    expect(found('Meu CPF é 529.982.247-25.')).toEqual([['id_number', '529.982.247-25']]);
    expect(found('NIE X4827163S, para el contrato')).toEqual([['id_number', 'X4827163S']]);
    expect(found('Mon numéro de sécu : 2 69 05 49 588 157 80')).toEqual([['id_number', '2 69 05 49 588 157 80']]);
    expect(found('Il mio codice fiscale è RSSMRA85T10A562S.')).toEqual([['id_number', 'RSSMRA85T10A562S']]);
    expect(found('주민등록번호 900101-1234568 입니다')).toEqual([['id_number', '900101-1234568']]);
    expect(found('Mijn BSN is 111222333.')).toEqual([['id_number', '111222333']]);
    expect(found('PESEL: 44051401359')).toEqual([['id_number', '44051401359']]);
    expect(found('パスポート番号 TK1234567 で予約しました。')).toEqual([['id_number', 'TK1234567']]);
    expect(found('生年月日：1985年4月12日')).toEqual([['dob', '1985年4月12日']]);
    expect(found('I live at 42 Elm Street, Springfield.')).toEqual([['address', '42 Elm Street']]);
    expect(found('Ich wohne in der Hauptstraße 5, 10115 Berlin.')).toEqual([['address', 'Hauptstraße 5']]);
    expect(found('My home IP is 203.0.113.77, please whitelist it.')).toEqual([['ip_address', '203.0.113.77']]);
    expect(found('my laptop has IPv6 2001:db8:85a3::8a2e:370:7334 at home')).toEqual([['ip_address', '2001:db8:85a3::8a2e:370:7334']]);
    expect(found('Reach my desk at 0044 20 7946 0321.')).toEqual([['phone', '0044 20 7946 0321']]);
    expect(found('Il mio cellulare è 347 123 4567.')).toEqual([['phone', '347 123 4567']]);
    expect(found('write to jane at example dot com')).toEqual([['email', 'jane at example dot com']]);
    expect(found('email me at sara @ example . com')).toEqual([['email', 'sara @ example . com']]);
    // Digits of other scripts are digits: the span is of the text as written.
    expect(found('رقم الهاتف الخاص بي ٠٥٠١٢٣٤٥٦٧٨')).toEqual([['phone', '٠٥٠١٢٣٤٥٦٧٨']]);
    expect(found('मेरा फोन नंबर ९८७६५४३२१० है')).toEqual([['phone', '९८७६५४३२१०']]);
  });

  it('leaves the look-alikes alone', () => {
    for (const t of [
      'Part AB123456C is back in stock.', // NI-shaped, unlabelled and unspaced
      'The order id 2345-6789-0123 was cancelled.',
      'Version 2.4.10.1 fixes the login bug; 1.2.3.3 had it.',
      'Point the staging DNS at 10.0.0.2.',
      'The status page runs on 52.14.88.201 for now.',
      'Our head office is at 1 Market Street.',
      'Build 48291537 passed the checks.',
      'The mobile app launch is on 2026-03-02.',
      'Meet me at noon. Then we go.',
      'Use the IPv6 address 2001:db8::1 in the example.',
      'The call starts at 12:30:45 sharp.',
      'Kontakt to sales@acme.example, not me.',
      'Order 1 85 05 78 006 084 36 shipped.', // NIR-shaped, wrong key
      'The BSN field must hold 123456789.', // fails the eleven-test
      'Build id 900101-1234567 failed.',
    ]) expect(findPii(t), t).toEqual([]);
  });
});

describe('findPii: round-6 formats', () => {
  it('finds SINs, typed PANs, more ids, passwords and provider tokens', () => {
    expect(found('My SIN is 130 492 853 for the T4.')).toEqual([['id_number', '130 492 853']]);
    expect(found('social insurance number 518207337')).toEqual([['id_number', '518207337']]);
    expect(found('PAN: aqkpk 7781 l')).toEqual([['id_number', 'aqkpk 7781 l']]);
    expect(found('personnummer 850412-1239')).toEqual([['id_number', '850412-1239']]);
    expect(found('我的身份证号是 11010519491231002X')).toEqual([['id_number', '11010519491231002X']]);
    expect(found('RUT 12.345.678-5')).toEqual([['id_number', '12.345.678-5']]);
    expect(found('user jsmith, pass: BlueHeron!2026')).toEqual([['password', 'BlueHeron!2026']]);
    expect(found('Mein Passwort lautet Wintergarten77?')).toEqual([['password', 'Wintergarten77']]);
    expect(found('パスワードは Sakura2026! です')).toEqual([['password', 'Sakura2026!']]);
    expect(found('db is postgres://admin:S3cretPass@db.acme.example:5432/prod')).toEqual([['secret', 'S3cretPass']]);
    expect(found('npm token npm_a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8')).toEqual([['secret', 'npm_a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8']]);
    expect(found('Urodziłem się 21 września 1992 r.')).toEqual([['dob', '21 września 1992']]);
  });

  it('leaves their look-alikes alone', () => {
    for (const t of ['Order 123 456 782 shipped', 'The meeting ID is 943 476 5919', 'Gate pass: B12-7', 'boarding pass: Monday', 'The password policy requires 12 characters.', 'FYI: the IT freephone number is 0800 000 4567.', 'The IT queue mailbox is it-queue-7@acme.example.', 'Zoom meeting 130 492 853']) expect(found(t), t).toEqual([]);
  });
});
