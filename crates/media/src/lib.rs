//! Podium's images: reading what a user attaches, and preparing it for each network.
//!
//! Two steps, both pure (bytes in, bytes out; no files, no network):
//!
//! - [`ingest`] reads the file the user picked, refuses what it should not read (a decompression
//!   bomb, a cut-short file, HEIC, anything but JPEG, PNG or WebP) with a message that says what
//!   to do, turns it upright (EXIF orientation) and writes it again *without any metadata*: the
//!   camera, the time and a phone's GPS position never reach Podium's `media/` folder, a backup,
//!   an export or a network. The user's own file is never touched.
//! - [`prepare`] makes the stored image fit one network (its limits are
//!   `podium_core::media::limits`): scaled down, aspect ratio kept, never up, and encoded again,
//!   at a lower quality and then a smaller size, until it is within the network's bytes.
//!
//! This crate never panics on a file: every failure is an [`Error`].

use std::io::Cursor;

use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::{CompressionType, FilterType as PngFilter, PngEncoder};
use image::imageops::FilterType;
use image::{DynamicImage, ImageDecoder, ImageEncoder, ImageFormat, ImageReader};
pub use podium_core::media::Attachment;
use podium_core::media::{fitted_size, limits, InstanceMedia, Limits};
use podium_core::network::Network;
use sha2::{Digest, Sha256};

/// The most pixels Podium reads: 100 megapixels (a 12-megapixel phone photo is far below; a
/// file claiming more is a panorama to scale down first, or made to exhaust memory).
pub const MAX_PIXELS: u64 = 100_000_000;
/// The longest side of a stored image: larger photos are scaled down once, when attached (no
/// network takes more than 4096 pixels a side).
pub const STORED_SIDE: u32 = 4_096;
/// The quality a stored JPEG is written at (a network's copy is made from it).
const STORED_QUALITY: u8 = 92;
/// The largest file Podium reads as an image (a camera's biggest JPEG is far smaller).
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;
/// Memory the decoder may take, at most.
const MAX_ALLOC: u64 = 512 * 1024 * 1024;

/// Why an image cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(
        "{0} images are not supported: export the photo as JPEG (on an iPhone: Settings → \
         Camera → Formats → Most Compatible, or share it as JPEG) and attach that"
    )]
    NotSupported(&'static str),
    #[error(
        "this file is not an image Podium can read ({detail}): attach a JPEG, PNG or WebP image"
    )]
    NotAnImage { detail: String },
    #[error(
        "the image says it is {width}×{height} pixels, more than the {} megapixels Podium \
         reads: scale it down in an image editor and attach the smaller copy",
        MAX_PIXELS / 1_000_000
    )]
    TooLarge { width: u32, height: u32 },
    #[error(
        "the image is damaged or cut short ({detail}): open it in an image viewer, save a copy \
         and attach that"
    )]
    Damaged { detail: String },
    #[error(
        "the image cannot be made smaller than {max_bytes} bytes for {network}: crop it or \
         attach a simpler image"
    )]
    CannotFit {
        network: &'static str,
        max_bytes: u64,
    },
    #[error("{network} takes no images from Podium")]
    NoImages { network: &'static str },
    #[error("cannot write the image: {0}")]
    Encode(String),
    #[error("cannot read {path}: {source}")]
    Read {
        path: std::path::PathBuf,
        source: std::io::Error,
    },
    #[error("{path} is {bytes} bytes, more than the {} MiB Podium reads: attach a smaller copy", MAX_FILE_BYTES / (1024 * 1024))]
    FileTooBig {
        path: std::path::PathBuf,
        bytes: u64,
    },
    #[error(transparent)]
    Store(#[from] podium_store::Error),
}

pub type Result<T> = std::result::Result<T, Error>;

/// An image as bytes with what it is.
#[derive(Clone, PartialEq, Eq)]
pub struct Image {
    pub bytes: Vec<u8>,
    /// `image/jpeg` or `image/png`.
    pub mime: &'static str,
    pub width: u32,
    pub height: u32,
}

impl std::fmt::Debug for Image {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Image")
            .field("bytes", &self.bytes.len())
            .field("mime", &self.mime)
            .field("width", &self.width)
            .field("height", &self.height)
            .finish()
    }
}

impl Image {
    /// The SHA-256 of the bytes, in lower-case hex (the stored file's name).
    pub fn sha256(&self) -> String {
        sha256_hex(&self.bytes)
    }
}

/// The SHA-256 of `bytes`, in lower-case hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Reads the file a user attaches and gives the copy Podium stores: upright, at most
/// [`STORED_SIDE`] pixels a side, with no metadata at all; PNG when it was PNG or has
/// transparency (screenshots stay sharp), JPEG otherwise.
pub fn ingest(bytes: &[u8]) -> Result<Image> {
    let (image, format) = decode(bytes)?;
    let keep_png = format == ImageFormat::Png || image.color().has_alpha();
    let (w, h) = capped(image.width(), image.height(), STORED_SIDE);
    let image = if (w, h) == (image.width(), image.height()) {
        image
    } else {
        image.resize_exact(w, h, FilterType::Triangle)
    };
    if keep_png {
        encode_png(&image)
    } else {
        encode_jpeg(&image, STORED_QUALITY)
    }
}

/// Attaches the image file at `path` to a draft with its alt text: read (never changed),
/// stored as [`ingest`] makes it, placed after the draft's other images. The one flow the app
/// and `podium drafts attach` share.
pub fn attach_file(
    store: &mut podium_store::Store,
    draft_id: &str,
    path: &std::path::Path,
    alt: &str,
) -> Result<Attachment> {
    let read = |source| Error::Read {
        path: path.to_owned(),
        source,
    };
    let bytes = std::fs::metadata(path).map_err(read)?.len();
    if bytes > MAX_FILE_BYTES {
        return Err(Error::FileTooBig {
            path: path.to_owned(),
            bytes,
        });
    }
    let original = std::fs::read(path).map_err(read)?;
    attach_bytes(store, draft_id, &original, alt)
}

/// [`attach_file`] for bytes already read (a pasted or dropped image).
pub fn attach_bytes(
    store: &mut podium_store::Store,
    draft_id: &str,
    original: &[u8],
    alt: &str,
) -> Result<Attachment> {
    // The draft first: a wrong id is named before any decoding.
    store.draft(draft_id)?;
    let image = ingest(original)?;
    let sha256 = image.sha256();
    Ok(store.attach(
        draft_id,
        &podium_store::NewImage {
            bytes: &image.bytes,
            mime: image.mime,
            width: image.width,
            height: image.height,
            sha256: &sha256,
        },
        alt,
    )?)
}

/// A small JPEG of a stored image for the window to show (at most `side` pixels a side; a
/// transparent screenshot drawn on white).
pub fn thumbnail(stored: &[u8], side: u32) -> Result<Vec<u8>> {
    let (image, _) = decode(stored)?;
    let (w, h) = capped(image.width(), image.height(), side);
    Ok(encode_jpeg(&flatten(scaled(&image, w, h).into_owned()), 80)?.bytes)
}

/// Makes a stored image fit `network` (a Mastodon instance's own figures where known).
pub fn prepare_for(
    stored: &[u8],
    network: Network,
    instance: Option<&InstanceMedia>,
) -> Result<Image> {
    let limits = limits(network, instance);
    if limits.max_images == 0 {
        return Err(Error::NoImages {
            network: network.name(),
        });
    }
    prepare(stored, &limits, network.name())
}

/// Makes a stored image fit `limits`: scaled to the network's sides and pixels, then encoded at
/// falling quality (JPEG) and then smaller sizes until it is within the network's bytes. A PNG
/// stays PNG while it fits (transparency kept); one that cannot fit becomes a JPEG on white.
pub fn prepare(stored: &[u8], limits: &Limits, network: &'static str) -> Result<Image> {
    if let Some(fits) = fits_as_stored(stored, limits) {
        return Ok(fits);
    }
    let (image, format) = decode(stored)?;
    let (mut w, mut h) = fitted_size(image.width(), image.height(), limits);
    let cannot = || Error::CannotFit {
        network,
        max_bytes: limits.max_bytes,
    };
    // A PNG first as PNG, at most three sizes.
    if format == ImageFormat::Png {
        let (mut pw, mut ph) = (w, h);
        for _ in 0..3 {
            let png = encode_png(&scaled(&image, pw, ph))?;
            if png.bytes.len() as u64 <= limits.max_bytes {
                return Ok(png);
            }
            (pw, ph) = shrink(pw, ph);
        }
    }
    let flat = flatten(image);
    for _ in 0..8 {
        let sized = scaled(&flat, w, h);
        for quality in [85, 75, 65] {
            let jpeg = encode_jpeg(&sized, quality)?;
            if jpeg.bytes.len() as u64 <= limits.max_bytes {
                return Ok(jpeg);
            }
        }
        if w.max(h) <= 64 {
            break;
        }
        (w, h) = shrink(w, h);
    }
    Err(cannot())
}

/// The stored image itself when it already fits `limits` (its sides, pixels and bytes): it was
/// written by Podium, upright and without metadata, so it goes as it is — no second decoding
/// and encoding (and no second loss of quality). Its header alone is read.
fn fits_as_stored(stored: &[u8], limits: &Limits) -> Option<Image> {
    if stored.len() as u64 > limits.max_bytes || carries_metadata(stored) {
        return None;
    }
    let reader = ImageReader::new(Cursor::new(stored))
        .with_guessed_format()
        .ok()?;
    let mime = match reader.format()? {
        ImageFormat::Jpeg => "image/jpeg",
        ImageFormat::Png => "image/png",
        _ => return None,
    };
    let (width, height) = reader.into_dimensions().ok()?;
    if fitted_size(width, height, limits) != (width, height) {
        return None;
    }
    Some(Image {
        bytes: stored.to_vec(),
        mime,
        width,
        height,
    })
}

/// Whether `bytes` hold anything besides the picture: a JPEG's APP1–APP15 or comment segments
/// (EXIF with its GPS position, XMP, maker notes), a PNG's chunks other than the picture's own
/// (eXIf, text, ICC profiles, times). Bytes that came from elsewhere — a JSON import, another
/// device's upload — are then encoded anew, never sent as they are. Unreadable structure counts
/// as metadata.
fn carries_metadata(bytes: &[u8]) -> bool {
    const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";
    if let Some(mut rest) = bytes.strip_prefix(PNG_SIGNATURE) {
        const PICTURE: [&[u8; 4]; 11] = [
            b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"sRGB", b"gAMA", b"cHRM", b"pHYs",
            b"sBIT", b"bKGD",
        ];
        while rest.len() >= 12 {
            let length = u32::from_be_bytes([rest[0], rest[1], rest[2], rest[3]]) as usize;
            let kind = &rest[4..8];
            if !PICTURE.iter().any(|p| p.as_slice() == kind) {
                return true;
            }
            if kind == b"IEND" {
                return false;
            }
            let Some(next) = rest.get(12 + length..) else {
                return true;
            };
            rest = next;
        }
        return true;
    }
    if bytes.starts_with(&[0xFF, 0xD8]) {
        let mut i = 2;
        while i + 4 <= bytes.len() {
            if bytes[i] != 0xFF {
                return true;
            }
            let marker = bytes[i + 1];
            match marker {
                0xFF => i += 1,                    // fill byte
                0xDA => return false,              // the scan: the picture itself follows
                0xE1..=0xEF | 0xFE => return true, // APP1–APP15, COM
                _ => {
                    let length = usize::from(u16::from_be_bytes([bytes[i + 2], bytes[i + 3]]));
                    i += 2 + length;
                }
            }
        }
        return true;
    }
    true
}

/// Decodes `bytes` within Podium's limits, upright; or says why not.
fn decode(bytes: &[u8]) -> Result<(DynamicImage, ImageFormat)> {
    if let Some(name) = container_format(bytes) {
        return Err(Error::NotSupported(name));
    }
    let reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| Error::NotAnImage {
            detail: e.to_string(),
        })?;
    let format = match reader.format() {
        Some(f @ (ImageFormat::Jpeg | ImageFormat::Png | ImageFormat::WebP)) => f,
        Some(ImageFormat::Gif) => return Err(Error::NotSupported("GIF")),
        Some(other) => {
            return Err(Error::NotAnImage {
                detail: format!("{other:?}"),
            })
        }
        None => {
            return Err(Error::NotAnImage {
                detail: "not JPEG, PNG or WebP".to_owned(),
            })
        }
    };
    if format == ImageFormat::Jpeg && !jpeg_complete(bytes) {
        return Err(Error::Damaged {
            detail: "the JPEG data stops before its end".to_owned(),
        });
    }
    let mut reader = reader;
    let mut limits = image::Limits::default();
    limits.max_alloc = Some(MAX_ALLOC);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(damaged)?;
    let (width, height) = decoder.dimensions();
    if u64::from(width) * u64::from(height) > MAX_PIXELS {
        return Err(Error::TooLarge { width, height });
    }
    // A missing or unreadable orientation is upright.
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut image = DynamicImage::from_decoder(decoder).map_err(|e| match e {
        image::ImageError::Limits(_) => Error::TooLarge { width, height },
        other => damaged(other),
    })?;
    image.apply_orientation(orientation);
    Ok((image, format))
}

fn damaged(e: image::ImageError) -> Error {
    match e {
        image::ImageError::Limits(_) => Error::TooLarge {
            width: 0,
            height: 0,
        },
        image::ImageError::Unsupported(u) => Error::NotAnImage {
            detail: u.to_string(),
        },
        other => Error::Damaged {
            detail: other.to_string(),
        },
    }
}

/// An ISO media file (HEIC, HEIF, AVIF): its brand's name, for the message.
fn container_format(bytes: &[u8]) -> Option<&'static str> {
    if bytes.get(4..8) != Some(b"ftyp") {
        return None;
    }
    match bytes.get(8..12)? {
        b"heic" | b"heix" | b"hevc" | b"hevx" | b"heim" | b"heis" | b"mif1" | b"msf1" => {
            Some("HEIC")
        }
        b"avif" | b"avis" => Some("AVIF"),
        _ => None,
    }
}

/// Whether a JPEG's last scan ends with its end marker. (Byte stuffing keeps `FF D9` and
/// `FF DA` out of the compressed data, so the last start-of-scan is the last scan's, and a file
/// cut short has no end marker after it; the decoder would fill the rest with grey.)
fn jpeg_complete(bytes: &[u8]) -> bool {
    let last_scan = bytes.windows(2).rposition(|w| w == [0xFF, 0xDA]);
    match last_scan {
        Some(start) => bytes[start..].windows(2).any(|w| w == [0xFF, 0xD9]),
        None => false,
    }
}

/// `(width, height)` with its longest side at most `side`, aspect ratio kept.
fn capped(width: u32, height: u32, side: u32) -> (u32, u32) {
    let longest = width.max(height);
    if longest <= side {
        return (width, height);
    }
    let scale = f64::from(side) / f64::from(longest);
    (
        ((f64::from(width) * scale).round() as u32).clamp(1, side),
        ((f64::from(height) * scale).round() as u32).clamp(1, side),
    )
}

/// Three quarters of the size, at least a pixel a side.
fn shrink(w: u32, h: u32) -> (u32, u32) {
    ((w * 3 / 4).max(1), (h * 3 / 4).max(1))
}

fn scaled(image: &DynamicImage, w: u32, h: u32) -> std::borrow::Cow<'_, DynamicImage> {
    if (w, h) == (image.width(), image.height()) {
        std::borrow::Cow::Borrowed(image)
    } else {
        std::borrow::Cow::Owned(image.resize_exact(w, h, FilterType::Triangle))
    }
}

/// The image on white, without transparency (JPEG has none).
fn flatten(image: DynamicImage) -> DynamicImage {
    if !image.color().has_alpha() {
        return image;
    }
    let mut rgba = image.into_rgba8();
    for p in rgba.pixels_mut() {
        let a = u16::from(p[3]);
        for c in 0..3 {
            p[c] = ((u16::from(p[c]) * a + 255 * (255 - a)) / 255) as u8;
        }
        p[3] = 255;
    }
    DynamicImage::ImageRgba8(rgba)
}

fn encode_jpeg(image: &DynamicImage, quality: u8) -> Result<Image> {
    // Encoded from the image itself when it is 8-bit grey or RGB (a 12-megapixel copy is 36 MB).
    let converted;
    let rgb = match image {
        DynamicImage::ImageLuma8(_) | DynamicImage::ImageRgb8(_) => image,
        _ => {
            converted = DynamicImage::ImageRgb8(image.to_rgb8());
            &converted
        }
    };
    let mut bytes = Vec::new();
    JpegEncoder::new_with_quality(&mut bytes, quality)
        .write_image(
            rgb.as_bytes(),
            rgb.width(),
            rgb.height(),
            rgb.color().into(),
        )
        .map_err(|e| Error::Encode(e.to_string()))?;
    Ok(Image {
        bytes,
        mime: "image/jpeg",
        width: rgb.width(),
        height: rgb.height(),
    })
}

fn encode_png(image: &DynamicImage) -> Result<Image> {
    let image = match image {
        DynamicImage::ImageLuma8(_)
        | DynamicImage::ImageLumaA8(_)
        | DynamicImage::ImageRgb8(_)
        | DynamicImage::ImageRgba8(_) => image.clone(),
        other if other.color().has_alpha() => DynamicImage::ImageRgba8(other.to_rgba8()),
        other => DynamicImage::ImageRgb8(other.to_rgb8()),
    };
    let mut bytes = Vec::new();
    PngEncoder::new_with_quality(&mut bytes, CompressionType::Default, PngFilter::Adaptive)
        .write_image(
            image.as_bytes(),
            image.width(),
            image.height(),
            image.color().into(),
        )
        .map_err(|e| Error::Encode(e.to_string()))?;
    Ok(Image {
        bytes,
        mime: "image/png",
        width: image.width(),
        height: image.height(),
    })
}

/// Test images made in code rather than committed binaries (also used by the benchmark and
/// other crates' tests): a photo-like JPEG and the APP1 segment of a phone's EXIF with a GPS
/// position and an orientation.
pub mod sample {
    use image::{DynamicImage, Rgb, RgbImage, Rgba, RgbaImage};

    use super::{encode_jpeg, encode_png, Result};

    /// A photo-like picture (smooth gradients with fine detail, so JPEG sizes are realistic).
    pub fn photo(width: u32, height: u32) -> DynamicImage {
        let image = RgbImage::from_fn(width, height, |x, y| {
            let fx = x as f32 / width.max(1) as f32;
            let fy = y as f32 / height.max(1) as f32;
            let ripple = ((x as f32 * 0.05).sin() * (y as f32 * 0.07).cos() * 24.0) as i32;
            let noise = (((x.wrapping_mul(7919) ^ y.wrapping_mul(104_729)) % 17) as i32) - 8;
            let c = |base: f32| (base * 255.0) as i32 + ripple + noise;
            Rgb([
                c(fx).clamp(0, 255) as u8,
                c(fy).clamp(0, 255) as u8,
                c(1.0 - fx * fy).clamp(0, 255) as u8,
            ])
        });
        DynamicImage::ImageRgb8(image)
    }

    /// A JPEG of [`photo`], at quality 90, without metadata.
    pub fn photo_jpeg(width: u32, height: u32) -> Result<Vec<u8>> {
        Ok(encode_jpeg(&photo(width, height), 90)?.bytes)
    }

    /// A screenshot-like PNG with a transparent border.
    pub fn screenshot_png(width: u32, height: u32) -> Result<Vec<u8>> {
        let image = RgbaImage::from_fn(width, height, |x, y| {
            let edge = x < 20 || y < 20 || x + 20 >= width || y + 20 >= height;
            if edge {
                Rgba([0, 0, 0, 0])
            } else if (y / 12) % 3 == 0 && (x / 6) % 9 != 0 {
                Rgba([30, 30, 30, 255])
            } else {
                Rgba([250, 250, 250, 255])
            }
        });
        Ok(encode_png(&DynamicImage::ImageRgba8(image))?.bytes)
    }

    /// The latitude written by [`with_gps_exif`]: 59°54'N (Oslo), as bytes a search can find.
    pub const GPS_MARK: &[u8] = b"PODIUM-GPS-59N10E";

    /// `jpeg` with an APP1 EXIF segment inserted after its SOI marker: orientation
    /// `orientation` (6: the camera was turned, the picture must be turned 90° clockwise), a
    /// camera maker, and a GPS IFD holding latitude 59°54'N and longitude 10°45'E (and
    /// [`GPS_MARK`] as its map datum, so a test can search the bytes for it).
    pub fn with_gps_exif(jpeg: &[u8], orientation: u16) -> Vec<u8> {
        let tiff = exif_tiff(orientation);
        let mut app1 = Vec::new();
        app1.extend_from_slice(&[0xFF, 0xE1]);
        let length = (2 + 6 + tiff.len()) as u16;
        app1.extend_from_slice(&length.to_be_bytes());
        app1.extend_from_slice(b"Exif\0\0");
        app1.extend_from_slice(&tiff);
        let mut out = Vec::with_capacity(jpeg.len() + app1.len());
        out.extend_from_slice(jpeg.get(..2).unwrap_or_default());
        out.extend_from_slice(&app1);
        out.extend_from_slice(jpeg.get(2..).unwrap_or_default());
        out
    }

    /// A big-endian TIFF structure: IFD0 (Make, Orientation, GPS pointer) and the GPS IFD.
    fn exif_tiff(orientation: u16) -> Vec<u8> {
        // Layout: header 8 | IFD0 at 8: 3 entries (2 + 36 + 4 = 42) | GPS IFD at 50:
        // 5 entries (2 + 60 + 4 = 66) | data at 116.
        let mut t = Vec::new();
        t.extend_from_slice(b"MM\0\x2A");
        t.extend_from_slice(&8u32.to_be_bytes());
        let make = b"PodiumPhone\0";
        let data_start: u32 = 116;
        let make_at = data_start;
        let lat_at = make_at + make.len() as u32;
        let lon_at = lat_at + 24;
        let datum_at = lon_at + 24;
        let entry = |t: &mut Vec<u8>, tag: u16, kind: u16, count: u32, value: [u8; 4]| {
            t.extend_from_slice(&tag.to_be_bytes());
            t.extend_from_slice(&kind.to_be_bytes());
            t.extend_from_slice(&count.to_be_bytes());
            t.extend_from_slice(&value);
        };
        // IFD0
        t.extend_from_slice(&3u16.to_be_bytes());
        entry(&mut t, 0x010F, 2, make.len() as u32, make_at.to_be_bytes());
        let o = orientation.to_be_bytes();
        entry(&mut t, 0x0112, 3, 1, [o[0], o[1], 0, 0]);
        entry(&mut t, 0x8825, 4, 1, 50u32.to_be_bytes());
        t.extend_from_slice(&0u32.to_be_bytes());
        // GPS IFD
        t.extend_from_slice(&5u16.to_be_bytes());
        entry(&mut t, 0x0001, 2, 2, *b"N\0\0\0");
        entry(&mut t, 0x0002, 5, 3, lat_at.to_be_bytes());
        entry(&mut t, 0x0003, 2, 2, *b"E\0\0\0");
        entry(&mut t, 0x0004, 5, 3, lon_at.to_be_bytes());
        let datum = super::sample::GPS_MARK;
        entry(
            &mut t,
            0x0012,
            2,
            datum.len() as u32,
            datum_at.to_be_bytes(),
        );
        t.extend_from_slice(&0u32.to_be_bytes());
        debug_assert_eq!(t.len(), data_start as usize);
        t.extend_from_slice(make);
        for (deg, min) in [(59u32, 54u32), (10, 45)] {
            for (n, d) in [(deg, 1u32), (min, 1), (0, 1)] {
                t.extend_from_slice(&n.to_be_bytes());
                t.extend_from_slice(&d.to_be_bytes());
            }
        }
        t.extend_from_slice(datum);
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_jpeg_without_its_end_marker_is_cut_short() {
        let jpeg = sample::photo_jpeg(64, 48).unwrap_or_default();
        assert!(jpeg_complete(&jpeg));
        assert!(!jpeg_complete(&jpeg[..jpeg.len() / 2]));
    }

    #[test]
    fn a_long_side_is_capped_with_the_aspect_ratio_kept() {
        assert_eq!(capped(8000, 6000, 4096), (4096, 3072));
        assert_eq!(capped(100, 50, 4096), (100, 50));
    }
}
