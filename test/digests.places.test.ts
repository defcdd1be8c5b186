/**
 * Where ASB happened, said safely: names from the council's list, or a postcode sector, never the resident's words.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_COUNCILS_DIR, loadCouncilProfile } from '../services/council/loadProfile';
import { normaliseWords, PlaceList, placeLabel, postcodeSector } from '../services/digests/places';
import { EXAMPLE_PLACES } from './support/digestFixtures';

const places = new PlaceList(EXAMPLE_PLACES);
const BOSTON_CASTLE = 'E05012996';
const ROTHERHAM_EAST = 'E05013010';

describe('digest places', () => {
  it('when a listed name appears in any case, spacing or punctuation, then the report is counted under the listed name', () => {
    for (const location of ['Clifton Park', 'by the gates of CLIFTON  park!', 'clifton-park, near the museum']) {
      assert.deepEqual(places.match(location, BOSTON_CASTLE, null), { place: 'place:Clifton Park', placeWard: null }, location);
    }
  });

  it('when a street is written with Rd, St and so on, then it still matches the listed name', () => {
    assert.equal(places.match('outside number 12 moorgate rd where my ex lives', BOSTON_CASTLE, null).place, 'place:Moorgate Road');
    assert.equal(places.match('High St', BOSTON_CASTLE, null).place, 'place:High Street');
  });

  it('when a listed name is only part of a longer word, then it does not match', () => {
    assert.equal(places.match('Highstreetview Close', BOSTON_CASTLE, null).place, '');
  });

  it('when an alias is used, then the report is counted under the listed name', () => {
    assert.equal(places.match('at the park by the museum', BOSTON_CASTLE, null).place, 'place:Clifton Park');
  });

  it('when the report has a ward, then only that ward\u2019s places count', () => {
    assert.equal(places.match('Eastwood Lane', BOSTON_CASTLE, 'S60 2AB').place, 'sector:S60 2');
    assert.equal(places.match('Eastwood Lane', ROTHERHAM_EAST, null).place, 'place:Eastwood Lane');
  });

  it('when the report has no ward and names a place listed in one ward, then it is placed in that ward', () => {
    assert.deepEqual(places.match('Eastwood shops again', null, null), { place: 'place:Eastwood Lane', placeWard: ROTHERHAM_EAST });
  });

  it('when the report has no ward and names a place listed in two wards, then it gets the place but no ward', () => {
    assert.deepEqual(places.match('High Street', null, null), { place: 'place:High Street', placeWard: null });
  });

  it('when two places are named, then the longer name wins, whatever order they come in', () => {
    const list = new PlaceList([
      { wardCode: BOSTON_CASTLE, name: 'Park Road', aliases: [] },
      { wardCode: BOSTON_CASTLE, name: 'Park Road Community Centre', aliases: [] },
    ]);
    assert.equal(list.match('outside park road community centre on park road', BOSTON_CASTLE, null).place, 'place:Park Road Community Centre');
  });

  it('when nothing listed is named, then the postcode sector is used, or nothing', () => {
    assert.equal(places.match('round the back of the flats', BOSTON_CASTLE, 's60 2ab').place, 'sector:S60 2');
    assert.equal(places.match('round the back of the flats', BOSTON_CASTLE, null).place, '');
    assert.equal(places.match('round the back', BOSTON_CASTLE, 'not a postcode').place, '');
    assert.equal(postcodeSector('SW1A 1AA'), 'SW1A 1');
  });

  it('when a key is labelled, then only listed names and well-formed sectors come out', () => {
    assert.equal(placeLabel('place:Clifton Park', places), 'Clifton Park');
    assert.equal(placeLabel('sector:S60 2', places), 'S60 2 (postcode sector)');
    assert.equal(placeLabel('place:outside number 12', places), null, 'a name not on the list is never shown');
    assert.equal(placeLabel('sector:outside number 12', places), null);
    assert.equal(placeLabel('', places), null);
  });

  it('when the list or the rules change, then the version changes', () => {
    assert.equal(new PlaceList(EXAMPLE_PLACES).version, places.version);
    assert.notEqual(new PlaceList(EXAMPLE_PLACES.slice(1)).version, places.version);
  });

  it('when words are normalised, then accents, apostrophes and & are handled', () => {
    assert.deepEqual(normaliseWords("St Ann's Café & Bar"), ['st', 'anns', 'cafe', 'and', 'bar']);
  });

  it('when the shipped Rotherham list is loaded, then every place is in a Rotherham ward and marked as an example', () => {
    const profile = loadCouncilProfile('rotherham');
    const list = PlaceList.load(path.join(DEFAULT_COUNCILS_DIR, 'rotherham'), profile.wards);
    assert.ok(list.places.length >= 5);
    for (const place of list.places) {
      assert.ok(profile.wardByCode(place.wardCode), place.name);
      assert.match(place.name, /\(example\)$/);
    }
    assert.equal(list.match('kids on castle rd', 'E05012996', null).place, 'place:Castle Road (example)');
  });

  it('when a places file names a ward that is not the council\u2019s, then loading fails naming the line', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'hub-places-'));
    try {
      writeFileSync(path.join(dir, 'places.csv'), 'ward_code,name\nE05012996,Good Place\nE05099999,Elsewhere\n');
      const wards = loadCouncilProfile('rotherham').wards;
      assert.throws(() => PlaceList.load(dir, wards), /line 3: ward_code "E05099999"/);
      rmSync(path.join(dir, 'places.csv'));
      assert.equal(PlaceList.load(dir, wards).places.length, 0, 'no file: no list');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
