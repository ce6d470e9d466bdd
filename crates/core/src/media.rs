//! Images on a post: what each network takes (how many, how big, which formats, how long the
//! alt text may be) and the checks a leader sees, in the same shape as the text's checks.
//!
//! One rule, asked everywhere: the checks panel shows these warnings, scheduling refuses a post
//! whose images a network would refuse (a Bluesky image without alt text included), the
//! publisher asks again before it uploads anything, and image preparation reads its targets
//! (bytes, sides, pixels) from [`limits`]. Like the rest of this crate it does no I/O: the
//! figures of a Mastodon instance are read by the publisher and handed in.

use serde::{Deserialize, Serialize};

use crate::fit::{Misfit, Why};
use crate::network::Network;
use crate::text::check::{Lang, Severity, Warning};

/// An image attached to a draft, as stored (prepared once at attach time: orientation applied,
/// all metadata stripped) and as `podium drafts show --json` lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    pub id: String,
    /// The alt text (empty: none yet).
    #[serde(default)]
    pub alt: String,
    /// `image/jpeg` or `image/png`.
    pub mime: String,
    pub width: u32,
    pub height: u32,
    /// The stored file's size.
    pub bytes: u64,
    /// The stored file's SHA-256, in hex: its name in the `media/` folder.
    pub sha256: String,
}

/// What a Mastodon instance says about images in `/api/v2/instance` (`configuration.statuses.
/// max_media_attachments`, `configuration.media_attachments.image_size_limit` and
/// `image_matrix_limit`); `None`: the instance did not say, Mastodon's defaults apply.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct InstanceMedia {
    pub max_images: Option<usize>,
    pub image_bytes: Option<u64>,
    pub image_pixels: Option<u64>,
}

/// What a network takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Limits {
    /// Images on one post (0: the network takes none from Podium).
    pub max_images: usize,
    /// LinkedIn: 1, or 2 or more as a multi-image post (so never a gap); 1 elsewhere.
    pub min_images: usize,
    /// The largest file the network takes.
    pub max_bytes: u64,
    /// The longest side Podium sends (the network's own cap, or the size it would scale to
    /// anyway, so nothing larger is uploaded for nothing).
    pub max_side: u32,
    /// The most pixels the network takes.
    pub max_pixels: u64,
    /// The longest alt text, in characters (Unicode scalar values), when the network refuses a
    /// longer one.
    pub alt_max: Option<usize>,
    /// Whether an image without alt text cannot be scheduled (Bluesky; warned elsewhere).
    pub alt_required: bool,
}

/// Bluesky's blob limit for `app.bsky.embed.images`: 1,000,000 bytes in the PDS pinned for the
/// tests and in many self-hosted servers (the newest lexicon says 2,000,000; Podium keeps to
/// the smaller one unless a server is known to take more).
pub const BLUESKY_BLOB_BYTES: u64 = 1_000_000;
/// Mastodon refuses a longer media description (`description`, 1,500 characters).
pub const MASTODON_ALT_MAX: usize = 1_500;
/// X refuses longer alt text (media metadata `alt_text.text`, 1,000 characters).
pub const X_ALT_MAX: usize = 1_000;
/// LinkedIn's multi-image post takes at most 20 images.
pub const LINKEDIN_MAX_IMAGES: usize = 20;
/// Mastodon's defaults when an instance does not say (Mastodon 4: 4 images, 16 MB, 3840×2160).
pub const MASTODON_DEFAULT_IMAGES: usize = 4;
pub const MASTODON_DEFAULT_BYTES: u64 = 16 * 1024 * 1024;
pub const MASTODON_DEFAULT_PIXELS: u64 = 3840 * 2160;

/// What `network` takes; a Mastodon instance's own figures where it gave them.
pub fn limits(network: Network, instance: Option<&InstanceMedia>) -> Limits {
    let none = InstanceMedia::default();
    let instance = instance.unwrap_or(&none);
    match network {
        Network::Bluesky => Limits {
            max_images: 4,
            min_images: 1,
            max_bytes: BLUESKY_BLOB_BYTES,
            // Bluesky's app shows images at most 2000 px wide; more is bytes for nothing.
            max_side: 2_000,
            max_pixels: 2_000 * 2_000,
            alt_max: None,
            alt_required: true,
        },
        Network::Mastodon => {
            let max_pixels = instance
                .image_pixels
                .unwrap_or(MASTODON_DEFAULT_PIXELS)
                .max(1);
            Limits {
                max_images: instance.max_images.unwrap_or(MASTODON_DEFAULT_IMAGES),
                min_images: 1,
                max_bytes: instance
                    .image_bytes
                    .unwrap_or(MASTODON_DEFAULT_BYTES)
                    .max(1),
                max_side: 3_840,
                max_pixels,
                alt_max: Some(MASTODON_ALT_MAX),
                alt_required: false,
            }
        }
        Network::X => Limits {
            max_images: 4,
            min_images: 1,
            max_bytes: 5 * 1024 * 1024,
            max_side: 4_096,
            max_pixels: 4_096 * 4_096,
            alt_max: Some(X_ALT_MAX),
            alt_required: false,
        },
        Network::Linkedin => Limits {
            max_images: LINKEDIN_MAX_IMAGES,
            min_images: 1,
            // LinkedIn takes up to 36 megapixels; Podium sends at most 4096 px a side, which
            // stays well under its size cap.
            max_bytes: 8 * 1024 * 1024,
            max_side: 4_096,
            max_pixels: 36_152_320,
            alt_max: Some(4_086),
            alt_required: false,
        },
        // Threads takes images only by a public web address it fetches itself: a desktop app
        // has none to give.
        Network::Threads => Limits {
            max_images: 0,
            min_images: 0,
            max_bytes: 0,
            max_side: 0,
            max_pixels: 0,
            alt_max: None,
            alt_required: false,
        },
    }
}

/// Whether this Podium uploads images to `network` (the networks' rules above are kept for
/// all of them; Threads takes images only by a public address, which a desktop app has none of).
pub fn podium_sends_images(network: Network) -> bool {
    matches!(
        network,
        Network::Bluesky | Network::Mastodon | Network::X | Network::Linkedin
    )
}

/// What the image checks need beyond the images.
#[derive(Debug, Clone, Default)]
pub struct MediaOptions {
    pub lang: Lang,
    pub instance: Option<InstanceMedia>,
    /// The post will carry a link card (Bluesky cannot show both: the images win).
    pub link_card: bool,
}

fn t(lang: Lang, en: String, nb: String) -> String {
    match lang {
        Lang::En => en,
        Lang::Nb => nb,
    }
}

/// The warnings about a post's images on `network`, in the checks' shape (codes:
/// `images_not_supported`, `too_many_images`, `alt_missing`, `alt_too_long`,
/// `image_and_card`). An `error` means the network would refuse the post (or, for a Bluesky
/// image without alt text, that Podium will not schedule it).
pub fn check(network: Network, images: &[Attachment], options: &MediaOptions) -> Vec<Warning> {
    let lang = options.lang;
    let name = network.name();
    if !images.is_empty() && limits(network, None).max_images > 0 && !podium_sends_images(network) {
        return vec![Warning {
            code: "images_not_sent_yet",
            severity: Severity::Error,
            message: t(
                lang,
                format!(
                    "This version of Podium cannot send images to {name} yet: remove them for \
                     {name}, or post the images there yourself."
                ),
                format!(
                    "Denne versjonen av Podium kan ikke sende bilder til {name} ennå: fjern dem \
                     for {name}, eller post bildene der selv."
                ),
            ),
            range: None,
            fix: None,
        }];
    }
    network_rules(network, images, options)
}

/// The network's own rules for a post's images, whether or not this Podium sends images there.
pub fn network_rules(
    network: Network,
    images: &[Attachment],
    options: &MediaOptions,
) -> Vec<Warning> {
    let lang = options.lang;
    let mut warnings = Vec::new();
    if images.is_empty() {
        return warnings;
    }
    let name = network.name();
    let limits = limits(network, options.instance.as_ref());
    let warn = |code, severity, message| Warning {
        code,
        severity,
        message,
        range: None,
        fix: None,
    };
    let n = images.len();
    if limits.max_images == 0 {
        warnings.push(warn(
            "images_not_supported",
            Severity::Error,
            t(
                lang,
                format!(
                    "{name} takes images only from a public web address, which Podium does not \
                     have: remove the images for {name}, or post there without them."
                ),
                format!(
                    "{name} tar bare bilder fra en offentlig nettadresse, og den har ikke Podium: \
                     fjern bildene for {name}, eller post der uten dem."
                ),
            ),
        ));
        return warnings;
    }
    if n > limits.max_images {
        warnings.push(warn(
            "too_many_images",
            Severity::Error,
            t(
                lang,
                format!(
                    "{name} takes at most {} images on a post; this one has {n}. Remove {}.",
                    limits.max_images,
                    n - limits.max_images
                ),
                format!(
                    "{name} tar høyst {} bilder i et innlegg; dette har {n}. Fjern {}.",
                    limits.max_images,
                    n - limits.max_images
                ),
            ),
        ));
    }
    for (k, image) in images.iter().enumerate() {
        let number = k + 1;
        let alt = image.alt.trim();
        if alt.is_empty() {
            let severity = if limits.alt_required {
                Severity::Error
            } else {
                Severity::Warning
            };
            let (en, nb) = if limits.alt_required {
                (
                    format!(
                        "Image {number} has no alt text: {name} posts from Podium need it. \
                         Describe the image for those who cannot see it."
                    ),
                    format!(
                        "Bilde {number} mangler alternativ tekst: {name}-innlegg fra Podium må \
                         ha det. Beskriv bildet for dem som ikke kan se det."
                    ),
                )
            } else {
                (
                    format!(
                        "Image {number} has no alt text: those who cannot see it will not know \
                         what it shows."
                    ),
                    format!(
                        "Bilde {number} mangler alternativ tekst: de som ikke kan se det, får \
                         ikke vite hva det viser."
                    ),
                )
            };
            warnings.push(warn("alt_missing", severity, t(lang, en, nb)));
        } else if let Some(max) = limits.alt_max {
            let length = image.alt.chars().count();
            if length > max {
                warnings.push(warn(
                    "alt_too_long",
                    Severity::Error,
                    t(
                        lang,
                        format!(
                            "The alt text of image {number} is {length} characters; {name} takes \
                             at most {max}. Shorten it."
                        ),
                        format!(
                            "Den alternative teksten til bilde {number} er {length} tegn; {name} \
                             tar høyst {max}. Kort den ned."
                        ),
                    ),
                ));
            }
        }
    }
    // The networks whose card Podium builds show one or the other.
    if matches!(network, Network::Bluesky | Network::Linkedin) && options.link_card {
        let name = network.name();
        warnings.push(warn(
            "image_and_card",
            Severity::Info,
            t(
                lang,
                format!(
                    "{name} shows either images or a link card: the images go out, the card \
                     does not."
                ),
                format!(
                    "{name} viser enten bilder eller et lenkekort: bildene sendes, kortet ikke."
                ),
            ),
        ));
    }
    warnings
}

/// Whether a post's images can go out on `network` as they are: the first error of [`check`] as
/// a [`Misfit`] (reason `not_postable`, its check's code, the note in both languages), the same
/// shape a text that does not fit has, so scheduling and the publisher refuse it alike.
pub fn fit(network: Network, images: &[Attachment], options: &MediaOptions) -> Result<(), Misfit> {
    let error = |lang| {
        let options = MediaOptions {
            lang,
            ..options.clone()
        };
        check(network, images, &options)
            .into_iter()
            .find(|w| w.severity == Severity::Error)
    };
    let Some(en) = error(Lang::En) else {
        return Ok(());
    };
    let nb = error(Lang::Nb).map_or_else(String::new, |w| w.message);
    Err(Misfit {
        network,
        part: None,
        why: Why::Refused {
            check: en.code.to_owned(),
            note_en: en.message.trim_end_matches('.').to_owned(),
            note_nb: nb.trim_end_matches('.').to_owned(),
        },
    })
}

/// The longest side and pixel count an image of `width`×`height` may have on a network whose
/// limits are `limits`, aspect ratio kept: `(width, height)` scaled down (never up).
pub fn fitted_size(width: u32, height: u32, limits: &Limits) -> (u32, u32) {
    if width == 0 || height == 0 {
        return (width, height);
    }
    let (w, h) = (f64::from(width), f64::from(height));
    let mut scale: f64 = 1.0;
    let side = f64::from(limits.max_side.max(1));
    scale = scale.min(side / w.max(h));
    let pixels = limits.max_pixels.max(1) as f64;
    if w * h * scale * scale > pixels {
        scale = scale.min((pixels / (w * h)).sqrt());
    }
    if scale >= 1.0 {
        return (width, height);
    }
    // Rounded down, so the limits hold; at least one pixel a side.
    let fw = ((w * scale).floor() as u32).max(1);
    let fh = ((h * scale).floor() as u32).max(1);
    (fw, fh)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn image(alt: &str) -> Attachment {
        Attachment {
            id: "a".into(),
            alt: alt.into(),
            mime: "image/jpeg".into(),
            width: 4000,
            height: 3000,
            bytes: 3_000_000,
            sha256: "00".into(),
        }
    }

    fn codes(network: Network, images: &[Attachment], options: &MediaOptions) -> Vec<String> {
        network_rules(network, images, options)
            .into_iter()
            .map(|w| format!("{}:{:?}", w.code, w.severity).to_lowercase())
            .collect()
    }

    #[test]
    fn a_bluesky_image_without_alt_text_is_an_error_and_a_warning_elsewhere() {
        let images = [image("  ")];
        let options = MediaOptions::default();
        assert_eq!(
            codes(Network::Bluesky, &images, &options),
            ["alt_missing:error"]
        );
        for network in [Network::Mastodon, Network::X, Network::Linkedin] {
            assert_eq!(
                codes(network, &images, &options),
                ["alt_missing:warning"],
                "{network}"
            );
        }
    }

    #[test]
    fn alt_text_over_the_limit_is_refused_on_mastodon_and_x_by_their_own_figures() {
        let mastodon = [image(&"å".repeat(1_501))];
        let x = [image(&"a".repeat(1_001))];
        let options = MediaOptions::default();
        assert_eq!(
            codes(Network::Mastodon, &mastodon, &options),
            ["alt_too_long:error"]
        );
        assert!(codes(Network::Mastodon, &[image(&"å".repeat(1_500))], &options).is_empty());
        assert_eq!(codes(Network::X, &x, &options), ["alt_too_long:error"]);
        assert!(codes(Network::Bluesky, &mastodon, &options).is_empty());
        let message = &network_rules(Network::X, &x, &options)[0].message;
        assert!(
            message.contains("1001 characters; X takes at most 1000"),
            "{message}"
        );
    }

    #[test]
    fn image_counts_follow_each_network_and_a_mastodon_instance_own_limit() {
        let five: Vec<_> = (0..5).map(|_| image("Styret")).collect();
        let options = MediaOptions::default();
        assert_eq!(
            codes(Network::Bluesky, &five, &options),
            ["too_many_images:error"]
        );
        assert_eq!(
            codes(Network::X, &five, &options),
            ["too_many_images:error"]
        );
        assert!(codes(Network::Linkedin, &five, &options).is_empty());
        let twenty_one: Vec<_> = (0..21).map(|_| image("Styret")).collect();
        assert_eq!(
            codes(Network::Linkedin, &twenty_one, &options),
            ["too_many_images:error"]
        );
        let generous = MediaOptions {
            instance: Some(InstanceMedia {
                max_images: Some(8),
                ..InstanceMedia::default()
            }),
            ..MediaOptions::default()
        };
        assert!(codes(Network::Mastodon, &five, &generous).is_empty());
        assert_eq!(
            codes(Network::Mastodon, &five, &options),
            ["too_many_images:error"]
        );
        let nb = MediaOptions {
            lang: Lang::Nb,
            ..MediaOptions::default()
        };
        assert!(network_rules(Network::Bluesky, &five, &nb)[0]
            .message
            .contains("tar høyst 4 bilder"));
    }

    #[test]
    fn threads_takes_no_images_from_podium_and_says_why() {
        let warnings = check(Network::Threads, &[image("x")], &MediaOptions::default());
        assert_eq!(warnings.len(), 1);
        assert_eq!(warnings[0].code, "images_not_supported");
        assert!(warnings[0].message.contains("public web address"));
    }

    #[test]
    fn bluesky_and_linkedin_cannot_show_images_and_a_link_card_together() {
        let options = MediaOptions {
            link_card: true,
            ..MediaOptions::default()
        };
        assert_eq!(
            codes(Network::Bluesky, &[image("Styret")], &options),
            ["image_and_card:info"]
        );
        assert_eq!(
            codes(Network::Linkedin, &[image("Styret")], &options),
            ["image_and_card:info"]
        );
        assert!(codes(Network::Mastodon, &[image("Styret")], &options).is_empty());
    }

    #[test]
    fn scheduling_refuses_a_bluesky_image_without_alt_text_with_the_reason_in_both_languages() {
        let misfit = fit(Network::Bluesky, &[image("")], &MediaOptions::default()).unwrap_err();
        let Why::Refused {
            check,
            note_en,
            note_nb,
        } = &misfit.why
        else {
            panic!("{misfit:?}")
        };
        assert_eq!(check, "alt_missing");
        assert!(note_en.contains("no alt text"), "{note_en}");
        assert!(note_nb.contains("alternativ tekst"), "{note_nb}");
        assert!(misfit.to_string().contains("cannot go out on Bluesky"));
        assert!(fit(Network::Mastodon, &[image("")], &MediaOptions::default()).is_ok());
    }

    #[test]
    fn a_network_podium_does_not_send_images_to_yet_is_refused_in_words() {
        let options = MediaOptions::default();
        for network in Network::ALL {
            let warnings = check(network, &[image("Styret")], &options);
            let refused = warnings.iter().any(|w| w.severity == Severity::Error);
            assert_eq!(
                refused,
                !podium_sends_images(network),
                "{network}: {warnings:?}"
            );
        }
        assert!(check(Network::X, &[image("Styret")], &options).is_empty());
        assert!(check(Network::Linkedin, &[image("Styret")], &options).is_empty());
    }

    #[test]
    fn a_post_without_images_has_no_image_warnings() {
        assert!(check(Network::Threads, &[], &MediaOptions::default()).is_empty());
    }

    #[test]
    fn fitting_keeps_the_aspect_ratio_and_never_scales_up() {
        let bluesky = limits(Network::Bluesky, None);
        assert_eq!(fitted_size(4000, 3000, &bluesky), (2000, 1500));
        assert_eq!(fitted_size(3000, 4000, &bluesky), (1500, 2000));
        assert_eq!(fitted_size(800, 600, &bluesky), (800, 600));
        let mastodon = limits(Network::Mastodon, None);
        let (w, h) = fitted_size(4000, 3000, &mastodon);
        assert!(u64::from(w) * u64::from(h) <= MASTODON_DEFAULT_PIXELS);
        assert!((f64::from(w) / f64::from(h) - 4.0 / 3.0).abs() < 0.01);
        assert_eq!(fitted_size(10_000, 1, &bluesky), (2000, 1));
    }
}
