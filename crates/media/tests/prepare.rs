//! Images as users attach them: a 12-megapixel phone photo with its GPS position, a screenshot
//! with transparency, and broken or hostile files, each answered without a crash.

use podium_core::media::{limits, BLUESKY_BLOB_BYTES};
use podium_core::network::Network;
use podium_media::{ingest, prepare_for, sample, Error};

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

fn phone_photo() -> Vec<u8> {
    let jpeg = sample::photo_jpeg(4000, 3000).unwrap_or_else(|e| panic!("{e}"));
    sample::with_gps_exif(&jpeg, 6)
}

#[test]
fn a_phone_photo_is_stored_upright_without_its_gps_position_or_any_other_metadata() {
    let original = phone_photo();
    let before = original.clone();
    assert!(
        contains(&original, sample::GPS_MARK),
        "the test photo has GPS"
    );
    let stored = ingest(&original).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(original, before, "the user's file is untouched");
    assert_eq!(stored.mime, "image/jpeg");
    // Orientation 6: the camera was held on its side; the stored picture is turned upright.
    assert_eq!((stored.width, stored.height), (3000, 4000));
    assert!(!contains(&stored.bytes, sample::GPS_MARK));
    assert!(!contains(&stored.bytes, b"Exif"));
    assert!(!contains(&stored.bytes, b"PodiumPhone"));
}

#[test]
fn bytes_from_elsewhere_that_already_fit_still_lose_their_gps_position() {
    // A small photo with GPS EXIF, as a hand-made JSON import or another device could hand
    // over as "stored": it fits every network, yet it is encoded anew, not sent as it is.
    let small = sample::with_gps_exif(&sample::photo_jpeg(800, 600).unwrap(), 1);
    assert!(contains(&small, sample::GPS_MARK));
    for network in [
        Network::Bluesky,
        Network::Mastodon,
        Network::X,
        Network::Linkedin,
    ] {
        let prepared = prepare_for(&small, network, None).unwrap();
        assert!(!contains(&prepared.bytes, sample::GPS_MARK), "{network:?}");
    }
    // Podium's own stored copy goes as it is.
    let stored = ingest(&small).unwrap();
    let prepared = prepare_for(&stored.bytes, Network::X, None).unwrap();
    assert_eq!(prepared.bytes, stored.bytes);
    let png = ingest(&sample::screenshot_png(640, 400).unwrap()).unwrap();
    assert_eq!(
        prepare_for(&png.bytes, Network::X, None).unwrap().bytes,
        png.bytes
    );
}

#[test]
fn a_12_megapixel_photo_is_prepared_within_every_network_limits_with_its_aspect_ratio() {
    let stored = ingest(&phone_photo()).unwrap_or_else(|e| panic!("{e}"));
    for network in [
        Network::Bluesky,
        Network::Mastodon,
        Network::X,
        Network::Linkedin,
    ] {
        let limits = limits(network, None);
        let prepared = prepare_for(&stored.bytes, network, None).unwrap_or_else(|e| panic!("{e}"));
        assert!(
            prepared.bytes.len() as u64 <= limits.max_bytes,
            "{network}: {} bytes",
            prepared.bytes.len()
        );
        assert!(
            prepared.width.max(prepared.height) <= limits.max_side,
            "{network}"
        );
        assert!(u64::from(prepared.width) * u64::from(prepared.height) <= limits.max_pixels);
        let ratio = f64::from(prepared.width) / f64::from(prepared.height);
        assert!((ratio - 0.75).abs() < 0.01, "{network}: {ratio}");
        assert!(!contains(&prepared.bytes, sample::GPS_MARK));
    }
    let bluesky =
        prepare_for(&stored.bytes, Network::Bluesky, None).unwrap_or_else(|e| panic!("{e}"));
    assert!(bluesky.bytes.len() as u64 <= BLUESKY_BLOB_BYTES);
    assert_eq!((bluesky.width, bluesky.height), (1500, 2000));
}

#[test]
fn a_screenshot_with_transparency_stays_a_png_with_its_alpha() {
    let png = sample::screenshot_png(1200, 800).unwrap_or_else(|e| panic!("{e}"));
    let stored = ingest(&png).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(stored.mime, "image/png");
    let prepared =
        prepare_for(&stored.bytes, Network::Bluesky, None).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(prepared.mime, "image/png");
    let decoded = image::load_from_memory(&prepared.bytes).unwrap_or_else(|e| panic!("{e}"));
    assert!(decoded.color().has_alpha());
    assert_eq!(
        decoded.to_rgba8().get_pixel(0, 0)[3],
        0,
        "the corner stays transparent"
    );
}

#[test]
fn an_image_too_detailed_for_bluesky_is_made_smaller_until_it_fits() {
    // Noise does not compress: the first tries are over 1,000,000 bytes.
    let noise = image::RgbImage::from_fn(2000, 2000, |x, y| {
        let v = x.wrapping_mul(2_654_435_761) ^ y.wrapping_mul(40_503) ^ (x * y);
        image::Rgb([(v >> 3) as u8, (v >> 11) as u8, (v >> 19) as u8])
    });
    let mut png = Vec::new();
    image::DynamicImage::ImageRgb8(noise)
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .unwrap_or_else(|e| panic!("{e}"));
    let stored = ingest(&png).unwrap_or_else(|e| panic!("{e}"));
    let prepared =
        prepare_for(&stored.bytes, Network::Bluesky, None).unwrap_or_else(|e| panic!("{e}"));
    assert!(prepared.bytes.len() as u64 <= BLUESKY_BLOB_BYTES);
    assert_eq!(prepared.width, prepared.height, "the square stays square");
}

/// A CRC-32 (PNG's), to forge a header the decoder believes.
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

#[test]
fn a_decompression_bomb_is_refused_before_it_is_decoded() {
    let mut png = sample::screenshot_png(64, 64).unwrap_or_else(|e| panic!("{e}"));
    // The IHDR chunk starts at 8: length (4), "IHDR" (4), width (4), height (4), … CRC.
    png[16..20].copy_from_slice(&100_000u32.to_be_bytes());
    png[20..24].copy_from_slice(&100_000u32.to_be_bytes());
    let crc = crc32(&png[12..29]);
    png[29..33].copy_from_slice(&crc.to_be_bytes());
    let error = ingest(&png).unwrap_err();
    assert!(
        matches!(
            error,
            Error::TooLarge {
                width: 100_000,
                height: 100_000
            }
        ),
        "{error:?}"
    );
    assert!(error.to_string().contains("scale it down"), "{error}");
}

#[test]
fn a_truncated_jpeg_is_named_damaged_and_not_stored_grey() {
    let jpeg = sample::photo_jpeg(800, 600).unwrap_or_else(|e| panic!("{e}"));
    let error = ingest(&jpeg[..jpeg.len() * 2 / 3]).unwrap_err();
    assert!(matches!(error, Error::Damaged { .. }), "{error:?}");
    assert!(
        error.to_string().contains("damaged or cut short"),
        "{error}"
    );
}

#[test]
fn heic_and_files_that_are_no_image_get_a_message_that_says_what_to_do() {
    let mut heic = vec![0, 0, 0, 24];
    heic.extend_from_slice(b"ftypheic\0\0\0\0mif1heic");
    heic.extend_from_slice(&[0; 64]);
    let error = ingest(&heic).unwrap_err();
    assert!(
        error
            .to_string()
            .starts_with("HEIC images are not supported"),
        "{error}"
    );
    assert!(error.to_string().contains("JPEG"));
    let error = ingest(b"%PDF-1.7 not a picture").unwrap_err();
    assert!(matches!(error, Error::NotAnImage { .. }), "{error:?}");
    assert!(ingest(&[]).is_err());
    let error = prepare_for(
        &sample::photo_jpeg(10, 10).unwrap_or_default(),
        Network::Threads,
        None,
    )
    .unwrap_err();
    assert!(matches!(error, Error::NoImages { .. }));
}
