import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { exiftoolDeleteArguments, exiftoolSetArguments, isTagName, parseAssignment } from '@vfxkit/metadata';

describe('ExifTool arguments of edits', () => {
  it('tells assignments and tag names from file names', () => {
    assert.deepEqual(parseAssignment('Artist=Jane Doe'), { tag: 'Artist', operation: '=', value: 'Jane Doe' });
    assert.deepEqual(parseAssignment('XMP-dc:Title=A = B'), { tag: 'XMP-dc:Title', operation: '=', value: 'A = B' });
    assert.deepEqual(parseAssignment('Keywords+=approved'), { tag: 'Keywords', operation: '+=', value: 'approved' });
    assert.deepEqual(parseAssignment('Keywords-=rejected'), { tag: 'Keywords', operation: '-=', value: 'rejected' });
    assert.deepEqual(parseAssignment('Caption-Abstract=x'), { tag: 'Caption-Abstract', operation: '=', value: 'x' });
    assert.deepEqual(parseAssignment('Orientation#=6'), { tag: 'Orientation#', operation: '=', value: '6' });
    assert.deepEqual(parseAssignment('exr:cameraFocus:float=2.5'), { tag: 'exr:cameraFocus:float', operation: '=', value: '2.5' });
    assert.deepEqual(parseAssignment('Artist='), { tag: 'Artist', operation: '=', value: '' });
    for (const notAssignment of ['photo.jpg', 'dir/a=b.jpg', '=x', 'a b=c', './x=1']) assert.equal(parseAssignment(notAssignment), undefined, notAssignment);
    for (const tag of ['Make', 'EXIF:Make', 'GPS:all', 'XMP-dc:Subject', 'exr:owner', 'Orientation#']) assert.ok(isTagName(tag), tag);
    for (const file of ['photo.jpg', 'plates/', './Make', 'a b']) assert.ok(!isTagName(file), file);
  });

  it('writes numbers as -n values and signed GPS with its reference, text through print conversion', () => {
    assert.deepEqual(
      exiftoolSetArguments([
        { tag: 'Orientation', operation: '=', value: '6' },
        { tag: 'ExposureTime', operation: '=', value: '1/250' },
        { tag: 'GPSLatitude', operation: '=', value: '-33.8568' },
        { tag: 'EXIF:GPSLongitude', operation: '=', value: '151.2' },
        { tag: 'XMP:GPSAltitude', operation: '=', value: '10' },
        { tag: 'Copyright', operation: '=', value: '(c) "A" & <B>\nline 2' },
        { tag: 'Keywords', operation: '+=', value: 'x' },
      ]),
      [
        '-E',
        '-Orientation#=6',
        '-ExposureTime=1/250',
        '-GPSLatitude#=-33.8568',
        '-GPSLatitudeRef=-33.8568',
        '-EXIF:GPSLongitude#=151.2',
        '-EXIF:GPSLongitudeRef=151.2',
        '-XMP:GPSAltitude#=10',
        '-Copyright=(c) &#x22;A&#x22; &amp; &lt;B&gt;&#xa;line 2',
        '-Keywords+=x',
      ],
    );
    assert.deepEqual(
      exiftoolSetArguments([
        { tag: 'GPSLatitude', operation: '=', value: '1' },
        { tag: 'GPSLatitudeRef', operation: '=', value: 'S' },
      ]),
      ['-E', '-GPSLatitude#=1', '-GPSLatitudeRef=S'],
      'a reference given is not overridden',
    );
    assert.deepEqual(exiftoolDeleteArguments(['Make', 'GPS:all', 'all', 'exr:owner']), ['-Make=', '-GPS:all=', '-all=']);
  });
});
