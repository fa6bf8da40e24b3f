//! What a lesion photograph's file must be before it is kept: JPEG or PNG judged by its content
//! (the signature, then a successful decode of the header: a file renamed `.jpg` is not a
//! JPEG), at most [`MAX_PHOTO_BYTES`], with its metadata removed, so that the SHA-256 the
//! record keeps is that of the file kept.
//!
//! Metadata removed: the whole EXIF segment (JPEG APP1 `Exif`, PNG `eXIf`), not only its GPS
//! block, and XMP, IPTC/Photoshop, comments and PNG text and time chunks. A photograph of a
//! subject's skin must not carry where it was taken, when to the second, the camera's serial
//! number, the owner's name or a thumbnail of the uncropped picture (a face): every one of
//! them can re-identify a pseudonymous subject, and EXIF has maker notes no program can read
//! safely, so keeping any part of it means trusting all of it. Kept: what a reader needs to see
//! the picture as taken (the JFIF header, the ICC colour profile, Adobe's colour transform
//! marker, PNG's colour chunks). The cost: a phone's orientation flag goes with EXIF, so a
//! picture held sideways shows sideways; the uploader rotates it before sending.
//!
//! Done with `img-parts` (segments and chunks, no decoding of pixels), `zune-jpeg` and `png`
//! (the header decode), all well-kept crates, rather than hand-written parsing.

use sha2::{Digest, Sha256};

use crate::Refusal;
use crate::error::StoreError;

/// The largest photograph accepted, in bytes, as uploaded (10 MiB): a phone's full-resolution
/// JPEG fits; a raw scan does not belong in the record.
pub const MAX_PHOTO_BYTES: usize = 10 * 1024 * 1024;

/// The file types a photograph may be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MediaType {
    Jpeg,
    Png,
}

impl MediaType {
    pub const ALL: [MediaType; 2] = [MediaType::Jpeg, MediaType::Png];

    /// The IANA media type, as the record keeps it and a `Content-Type` says it.
    pub fn code(self) -> &'static str {
        match self {
            MediaType::Jpeg => "image/jpeg",
            MediaType::Png => "image/png",
        }
    }

    pub(crate) fn parse(text: &str) -> Result<MediaType, StoreError> {
        MediaType::ALL
            .into_iter()
            .find(|media| media.code() == text)
            .ok_or_else(|| StoreError::corrupt(format!("photo of media type '{text}'")))
    }

    /// The type a file's first bytes announce (JPEG: FF D8 FF; PNG: its 8-byte signature).
    fn sniffed(bytes: &[u8]) -> Option<MediaType> {
        const PNG: &[u8] = b"\x89PNG\r\n\x1a\n";
        if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(MediaType::Jpeg)
        } else if bytes.starts_with(PNG) {
            Some(MediaType::Png)
        } else {
            None
        }
    }
}

/// A photograph ready to keep: its bytes without metadata, and what the record says of them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PhotoContent {
    pub media_type: MediaType,
    /// The file as kept (metadata removed).
    pub bytes: Vec<u8>,
    /// The SHA-256 of `bytes`, lowercase hex.
    pub sha256: String,
}

/// The refusal of a file that is not a photograph this record keeps, named by the `file` field.
fn refused(refusal: Refusal) -> StoreError {
    StoreError::invalid("file", refusal)
}

/// `bytes` checked (size, type by content, header) and stripped of metadata, then hashed.
pub fn prepare(bytes: &[u8]) -> Result<PhotoContent, StoreError> {
    if bytes.is_empty() {
        return Err(refused(Refusal::of("refusal-photo-empty")));
    }
    within_limit(bytes.len())?;
    let media_type =
        MediaType::sniffed(bytes).ok_or_else(|| refused(Refusal::of("refusal-photo-not-image")))?;
    let damaged = |detail: String| {
        refused(
            Refusal::of("refusal-photo-damaged")
                .with("type", media_type.code())
                .with("detail", detail),
        )
    };
    let stripped = match media_type {
        MediaType::Jpeg => strip_jpeg(bytes).map_err(|error| damaged(error.to_string()))?,
        MediaType::Png => strip_png(bytes).map_err(|error| damaged(error.to_string()))?,
    };
    header_decodes(media_type, &stripped).map_err(damaged)?;
    let sha256 = hex::encode(Sha256::digest(&stripped));
    Ok(PhotoContent {
        media_type,
        bytes: stripped,
        sha256,
    })
}

/// Refuses a file larger than [`MAX_PHOTO_BYTES`], saying both sizes.
fn within_limit(size: usize) -> Result<(), StoreError> {
    if size > MAX_PHOTO_BYTES {
        return Err(refused(
            Refusal::of("refusal-photo-too-large")
                .with("size", mib(size))
                .with("max", mib(MAX_PHOTO_BYTES)),
        ));
    }
    Ok(())
}

/// Mebibytes to one decimal, as messages say a size.
fn mib(bytes: usize) -> String {
    // Sizes are at most a few hundred MiB here: f64 holds them exactly enough.
    #[allow(clippy::cast_precision_loss)]
    let mib = bytes as f64 / (1024.0 * 1024.0);
    format!("{mib:.1} MiB")
}

/// APP1 (EXIF, XMP), APP3-APP13 (among them IPTC/Photoshop in APP13) and APP15, and comments:
/// everything but JFIF (APP0), the ICC profile (APP2) and Adobe's colour transform (APP14).
fn strip_jpeg(bytes: &[u8]) -> Result<Vec<u8>, img_parts::Error> {
    use img_parts::jpeg::{Jpeg, markers};
    let mut jpeg = Jpeg::from_bytes(img_parts::Bytes::copy_from_slice(bytes))?;
    jpeg.segments_mut().retain(|segment| {
        let marker = segment.marker();
        let metadata = (markers::APP1..=markers::APP15).contains(&marker)
            && marker != markers::APP2
            && marker != markers::APP14;
        !(metadata || marker == markers::COM)
    });
    Ok(jpeg.encoder().bytes().to_vec())
}

/// EXIF (`eXIf`), text (`tEXt`, `zTXt`, `iTXt`, where XMP lives too) and the time of last
/// change (`tIME`).
fn strip_png(bytes: &[u8]) -> Result<Vec<u8>, img_parts::Error> {
    use img_parts::png::Png;
    const METADATA: [&[u8; 4]; 5] = [b"eXIf", b"tEXt", b"zTXt", b"iTXt", b"tIME"];
    let mut png = Png::from_bytes(img_parts::Bytes::copy_from_slice(bytes))?;
    png.chunks_mut()
        .retain(|chunk| !METADATA.contains(&&chunk.kind()));
    Ok(png.encoder().bytes().to_vec())
}

/// The header read by a real decoder (frame size and components of a JPEG, IHDR of a PNG): a
/// file that only starts like an image is refused here.
fn header_decodes(media_type: MediaType, bytes: &[u8]) -> Result<(), String> {
    let (width, height) = match media_type {
        MediaType::Jpeg => {
            use zune_jpeg::zune_core::bytestream::ZCursor;
            let mut decoder = zune_jpeg::JpegDecoder::new(ZCursor::new(bytes));
            decoder
                .decode_headers()
                .map_err(|error| error.to_string())?;
            decoder
                .dimensions()
                .ok_or_else(|| "no frame size".to_owned())?
        }
        MediaType::Png => {
            let reader = png::Decoder::new(std::io::Cursor::new(bytes))
                .read_info()
                .map_err(|error| error.to_string())?;
            let info = reader.info();
            (info.width as usize, info.height as usize)
        }
    };
    if width == 0 || height == 0 {
        return Err(format!("{width} x {height} pixels"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{jpeg_with_exif, png_with_text, sample_jpeg, sample_png};

    /// The refusal's catalogue id, or the media type accepted.
    fn check(bytes: &[u8], expect: Result<MediaType, &str>) {
        let got = prepare(bytes).map(|content| content.media_type);
        match (got, expect) {
            (Ok(got), Ok(expect)) => assert_eq!(got, expect),
            (Err(StoreError::Invalid { field, message }), Err(id)) => {
                assert_eq!(field, "file");
                assert_eq!(message.id(), id, "{message}");
            }
            (got, expect) => panic!("got {got:?}, expected {expect:?}"),
        }
    }

    #[test]
    fn type_is_judged_by_content_and_size_by_the_limit() {
        let jpeg = sample_jpeg(8, 8);
        let png = sample_png(8, 8);
        check(&jpeg, Ok(MediaType::Jpeg));
        check(&png, Ok(MediaType::Png));
        check(b"", Err("refusal-photo-empty"));
        check(b"GIF89a....", Err("refusal-photo-not-image"));
        check(b"%PDF-1.7 not a photo", Err("refusal-photo-not-image"));
        // The right first bytes and nothing after them: no header to decode.
        check(&jpeg[..4], Err("refusal-photo-damaged"));
        check(&png[..12], Err("refusal-photo-damaged"));
        check(
            &vec![0xFF; MAX_PHOTO_BYTES + 1],
            Err("refusal-photo-too-large"),
        );
    }

    /// Both sides of the size limit, which the refusal says.
    #[test]
    fn the_size_limit_is_10_mib() {
        assert!(within_limit(MAX_PHOTO_BYTES).is_ok());
        let error = within_limit(MAX_PHOTO_BYTES + 1).expect_err("over the limit");
        assert!(error.to_string().contains("10.0 MiB"), "{error}");
        assert_eq!(MAX_PHOTO_BYTES, 10_485_760);
    }

    #[test]
    fn exif_and_text_are_removed_before_hashing() {
        let gps = b"Exif\0\0GPSLatitude 40.4168 N";
        let tagged = jpeg_with_exif(16, 16, gps);
        assert!(tagged.windows(11).any(|w| w == b"GPSLatitude"));
        let kept = prepare(&tagged).expect("a JPEG");
        assert!(!kept.bytes.windows(11).any(|w| w == b"GPSLatitude"));
        assert!(!kept.bytes.windows(4).any(|w| w == b"Exif"));
        // The same picture without metadata is the same file, so the same SHA-256.
        assert_eq!(kept, prepare(&sample_jpeg(16, 16)).expect("a JPEG"));
        assert_eq!(kept.sha256, hex::encode(Sha256::digest(&kept.bytes)));

        let texted = png_with_text(8, 8, "Author", "Dr Who, Clinic 3");
        let kept = prepare(&texted).expect("a PNG");
        assert!(!kept.bytes.windows(6).any(|w| w == b"Clinic"));
        assert_eq!(kept, prepare(&sample_png(8, 8)).expect("a PNG"));
    }
}
