//! What the tests share: the smallest EXIF block a camera could write.

/// A little-endian EXIF (TIFF) block holding only an orientation tag.
pub fn exif_with_orientation(orientation: u8) -> Vec<u8> {
    let mut exif = b"II\x2a\x00\x08\x00\x00\x00".to_vec(); // header, first IFD at offset 8
    exif.extend_from_slice(&1u16.to_le_bytes()); // one entry
    exif.extend_from_slice(&0x0112u16.to_le_bytes()); // Orientation
    exif.extend_from_slice(&3u16.to_le_bytes()); // SHORT
    exif.extend_from_slice(&1u32.to_le_bytes()); // one value
    exif.extend_from_slice(&u32::from(orientation).to_le_bytes()); // the value, padded
    exif.extend_from_slice(&0u32.to_le_bytes()); // no next IFD
    exif
}
