//! Images: decoded within limits (a decompression bomb is refused from its header, before any
//! pixel is decoded), turned upright, re-encoded without EXIF or GPS metadata, and given a
//! thumbnail. Runs on the blocking pool; callers bound how many run at once.

use std::io::{BufWriter, Write};
use std::path::Path;

use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::PngEncoder;
use image::metadata::Orientation;
use image::{DynamicImage, ImageDecoder, ImageError, ImageFormat, ImageReader, Limits, RgbImage};
use shared::AppError;
use shared::error::Invalid;
use tempfile::TempPath;

/// Longest side accepted.
pub const MAX_SIDE: u32 = 16_384;
/// Most pixels accepted (40 megapixels).
pub const MAX_PIXELS: u64 = 40_000_000;
/// Most memory the decoder may allocate.
const MAX_ALLOC: u64 = 256 * 1024 * 1024;
/// A thumbnail's longer side.
pub const THUMB_SIDE: u32 = 400;
/// JPEG quality of re-encoded photos.
const PHOTO_QUALITY: u8 = 88;
/// JPEG quality of thumbnails.
const THUMB_QUALITY: u8 = 80;

/// A processed image.
pub struct Picture {
    /// The re-encoded image (`None`: the original bytes are kept, as for an animated GIF).
    pub file: Option<TempPath>,
    /// Its MIME type.
    pub mime: &'static str,
    /// Width after orientation.
    pub width: u32,
    /// Height after orientation.
    pub height: u32,
    /// The JPEG thumbnail.
    pub thumb: TempPath,
}

/// What became of an upload that sniffed as an image.
pub enum Outcome {
    /// Decoded and re-encoded.
    Picture(Picture),
    /// It does not decode: it is kept as a plain file.
    NotAnImage,
}

/// Processes the image in `path`, writing new files into `tmp_dir`.
/// Errors: `validation` on `file` with `too_many_pixels` for a bomb.
pub fn process(path: &Path, tmp_dir: &Path) -> Result<Outcome, AppError> {
    let bomb = || AppError::invalid("file", Invalid::TooManyPixels);
    let Ok(reader) = ImageReader::open(path).and_then(ImageReader::with_guessed_format) else {
        return Ok(Outcome::NotAnImage);
    };
    let Some(format) = reader.format() else {
        return Ok(Outcome::NotAnImage);
    };
    let mut reader = reader;
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_ALLOC);
    reader.limits(limits);
    let mut decoder = match reader.into_decoder() {
        Ok(d) => d,
        Err(ImageError::Limits(_)) => return Err(bomb()),
        Err(_) => return Ok(Outcome::NotAnImage),
    };
    let (w, h) = decoder.dimensions();
    if u64::from(w) * u64::from(h) > MAX_PIXELS || w == 0 || h == 0 {
        return Err(bomb());
    }
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let mut image = match DynamicImage::from_decoder(decoder) {
        Ok(i) => i,
        Err(ImageError::Limits(_)) => return Err(bomb()),
        Err(_) => return Ok(Outcome::NotAnImage),
    };
    image.apply_orientation(orientation);

    let (file, mime) = match format {
        // An animated GIF would lose its frames; GIF carries no EXIF, so it is kept as sent.
        ImageFormat::Gif => (None, "image/gif"),
        ImageFormat::Png => (Some(write_png(&image, tmp_dir)?), "image/png"),
        ImageFormat::WebP if image.color().has_alpha() => {
            (Some(write_png(&image, tmp_dir)?), "image/png")
        }
        _ => (
            Some(write_jpeg(&flatten(&image), PHOTO_QUALITY, tmp_dir)?),
            "image/jpeg",
        ),
    };
    // A picture that already fits is not enlarged.
    let thumb = if image.width() <= THUMB_SIDE && image.height() <= THUMB_SIDE {
        flatten(&image)
    } else {
        flatten(&image.thumbnail(THUMB_SIDE, THUMB_SIDE))
    };
    let thumb = write_jpeg(&thumb, THUMB_QUALITY, tmp_dir)?;
    Ok(Outcome::Picture(Picture {
        file,
        mime,
        width: image.width(),
        height: image.height(),
        thumb,
    }))
}

/// RGB with any transparency laid over white (JPEG has no alpha).
fn flatten(image: &DynamicImage) -> RgbImage {
    if !image.color().has_alpha() {
        return image.to_rgb8();
    }
    let rgba = image.to_rgba8();
    RgbImage::from_fn(rgba.width(), rgba.height(), |x, y| {
        let p = rgba.get_pixel(x, y).0;
        let a = u16::from(p[3]);
        let over = |c: u8| u8::try_from((u16::from(c) * a + 255 * (255 - a)) / 255).unwrap_or(255);
        image::Rgb([over(p[0]), over(p[1]), over(p[2])])
    })
}

fn new_file(tmp_dir: &Path) -> Result<(std::fs::File, TempPath), AppError> {
    tempfile::Builder::new()
        .prefix("img-")
        .suffix(".part")
        .tempfile_in(tmp_dir)
        .map(tempfile::NamedTempFile::into_parts)
        .map_err(|e| failed(&e))
}

fn write_jpeg(image: &RgbImage, quality: u8, tmp_dir: &Path) -> Result<TempPath, AppError> {
    let (file, path) = new_file(tmp_dir)?;
    let mut out = BufWriter::new(file);
    JpegEncoder::new_with_quality(&mut out, quality)
        .encode_image(image)
        .map_err(|e| failed(&e))?;
    out.flush().map_err(|e| failed(&e))?;
    Ok(path)
}

fn write_png(image: &DynamicImage, tmp_dir: &Path) -> Result<TempPath, AppError> {
    let (file, path) = new_file(tmp_dir)?;
    let mut out = BufWriter::new(file);
    image
        .write_with_encoder(PngEncoder::new(&mut out))
        .map_err(|e| failed(&e))?;
    out.flush().map_err(|e| failed(&e))?;
    Ok(path)
}

fn failed(e: &dyn std::fmt::Display) -> AppError {
    tracing::error!(error = %e, "re-encoding an image failed");
    AppError::Internal
}
