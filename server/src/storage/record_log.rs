//! The on-disk record format shared by the update log and the snapshot file.
//!
//! A record is `[payload length: u32 LE][CRC-32 of payload: u32 LE][payload]`. A log is
//! records back to back; appending writes whole records and then fsyncs. If power fails
//! mid-write the log ends in a torn record: reading stops at the first record that is
//! incomplete or fails its checksum, and everything before it is intact.

use std::io::{self, Read, Write};

const HEADER_BYTES: usize = 8;
/// A record longer than this cannot have been written by us: the length field is damaged.
const MAX_RECORD_BYTES: usize = 256 * 1024 * 1024;

/// Appends `payloads` as records to `out` in one write.
pub fn write_records<'a>(
    out: &mut impl Write,
    payloads: impl IntoIterator<Item = &'a [u8]>,
) -> io::Result<()> {
    let mut buffer = Vec::new();
    for payload in payloads {
        let length = u32::try_from(payload.len())
            .ok()
            .filter(|&n| (n as usize) <= MAX_RECORD_BYTES)
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "record too large"))?;
        buffer.extend_from_slice(&length.to_le_bytes());
        buffer.extend_from_slice(&crc32fast::hash(payload).to_le_bytes());
        buffer.extend_from_slice(payload);
    }
    out.write_all(&buffer)
}

/// The intact records at the start of a log.
#[derive(Debug, Default)]
pub struct ReadLog {
    pub records: Vec<Vec<u8>>,
    /// Bytes taken by the intact records; anything after this is damaged.
    pub intact_bytes: u64,
    /// Bytes after the intact prefix (a torn or corrupt tail), zero for a clean log.
    pub damaged_bytes: u64,
}

/// Reads every intact record from `input`, stopping at the first damaged one.
pub fn read_records(input: &mut impl Read) -> io::Result<ReadLog> {
    let mut bytes = Vec::new();
    input.read_to_end(&mut bytes)?;
    let mut log = ReadLog::default();
    let mut offset = 0usize;
    while let Some((payload, next)) = record_at(&bytes, offset) {
        log.records.push(payload.to_vec());
        offset = next;
    }
    log.intact_bytes = offset as u64;
    log.damaged_bytes = (bytes.len() - offset) as u64;
    Ok(log)
}

fn record_at(bytes: &[u8], offset: usize) -> Option<(&[u8], usize)> {
    let header = bytes.get(offset..offset.checked_add(HEADER_BYTES)?)?;
    let length = u32::from_le_bytes(header[0..4].try_into().ok()?) as usize;
    let checksum = u32::from_le_bytes(header[4..8].try_into().ok()?);
    if length > MAX_RECORD_BYTES {
        return None;
    }
    let start = offset + HEADER_BYTES;
    let payload = bytes.get(start..start.checked_add(length)?)?;
    (crc32fast::hash(payload) == checksum).then_some((payload, start + length))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn log_of(payloads: &[&[u8]]) -> Vec<u8> {
        let mut out = Vec::new();
        write_records(&mut out, payloads.iter().copied()).expect("in-memory write");
        out
    }

    #[test]
    fn reads_back_what_was_written() {
        let bytes = log_of(&[b"een", b"", b"drie"]);
        let log = read_records(&mut bytes.as_slice()).expect("read");
        assert_eq!(log.records, vec![b"een".to_vec(), vec![], b"drie".to_vec()]);
        assert_eq!(log.intact_bytes, bytes.len() as u64);
        assert_eq!(log.damaged_bytes, 0);
    }

    #[test]
    fn every_torn_tail_keeps_the_intact_prefix() {
        let whole = log_of(&[b"eerste", b"tweede"]);
        let first_len = HEADER_BYTES + b"eerste".len();
        for cut in first_len..whole.len() {
            let log = read_records(&mut &whole[..cut]).expect("read");
            assert_eq!(log.records, vec![b"eerste".to_vec()], "cut at {cut}");
            assert_eq!(log.intact_bytes, first_len as u64);
            assert_eq!(log.damaged_bytes, (cut - first_len) as u64);
        }
    }

    #[test]
    fn a_flipped_bit_ends_the_log_there() {
        let mut bytes = log_of(&[b"eerste", b"tweede", b"derde"]);
        let second_payload = 2 * HEADER_BYTES + b"eerste".len();
        bytes[second_payload] ^= 0x01;
        let log = read_records(&mut bytes.as_slice()).expect("read");
        assert_eq!(log.records, vec![b"eerste".to_vec()]);
    }

    #[test]
    fn an_absurd_length_is_damage_not_an_allocation() {
        let mut bytes = log_of(&[b"ok"]);
        bytes.extend_from_slice(&u32::MAX.to_le_bytes());
        bytes.extend_from_slice(&[0; 4]);
        let log = read_records(&mut bytes.as_slice()).expect("read");
        assert_eq!(log.records.len(), 1);
        assert_eq!(log.damaged_bytes, 8);
    }
}
