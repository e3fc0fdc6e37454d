//! Read, transform and write a stream of batches at the same time.
//!
//! Ingest and derive are both "read a batch, work on it, write it", in file order. Done
//! one after the other, two cores spend most of the stage waiting: the reader and the
//! writer are sequential by nature. [`run`] overlaps the three:
//!
//! ```text
//! reader thread ──(bounded channel)──> this thread: `transform` on up to one batch per
//!                                      rayon thread at a time, in parallel
//!                                      ──(bounded channel)──> writer thread, in order
//! ```
//!
//! Order is kept (the writer sees batches in reading order), and memory stays bounded
//! by a few batches per stage whatever the size of the input. The first error of any
//! stage stops the others and is returned; an error of the reader wins over the ones it
//! causes downstream.

use std::sync::mpsc::sync_channel;

use rayon::prelude::*;

use crate::Result;

/// Runs `read` (until it returns `None`) on a thread of its own, `transform` on groups
/// of batches in parallel (rayon), and `write` on a thread of its own, in reading order.
pub fn run<R, T>(
    read: impl FnMut() -> Result<Option<R>> + Send,
    transform: impl Fn(R) -> Result<T> + Sync,
    write: impl FnMut(T) -> Result<()> + Send,
) -> Result<()>
where
    R: Send,
    T: Send,
{
    let mut read = read;
    let mut write = write;
    let group = rayon::current_num_threads().max(1);
    std::thread::scope(|scope| {
        let (raw_tx, raw_rx) = sync_channel::<R>(group);
        let reader = scope.spawn(move || -> Result<()> {
            while let Some(batch) = read()? {
                if raw_tx.send(batch).is_err() {
                    break; // a later stage stopped on an error of its own
                }
            }
            Ok(())
        });
        let (done_tx, done_rx) = sync_channel::<T>(group);
        let writer = scope.spawn(move || -> Result<()> {
            for batch in done_rx {
                write(batch)?;
            }
            Ok(())
        });
        let transformed = (|| -> Result<()> {
            loop {
                let raw: Vec<R> = raw_rx.iter().take(group).collect();
                if raw.is_empty() {
                    return Ok(());
                }
                let done: Vec<T> = raw.into_par_iter().map(&transform).collect::<Result<_>>()?;
                for batch in done {
                    if done_tx.send(batch).is_err() {
                        return Ok(()); // the writer stopped: its error is returned below
                    }
                }
            }
        })();
        drop(done_tx);
        drop(raw_rx);
        let written = writer.join().expect("the writer thread does not panic");
        let read = reader.join().expect("the reader thread does not panic");
        read.and(transformed).and(written)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Error;

    #[test]
    fn batches_are_written_in_reading_order() {
        let mut next = 0..1000u32;
        let mut out = Vec::new();
        run(
            || Ok(next.next()),
            |x| Ok(x * 2),
            |y| {
                out.push(y);
                Ok(())
            },
        )
        .unwrap();
        assert_eq!(out, (0..1000).map(|x| x * 2).collect::<Vec<_>>());
    }

    #[test]
    fn the_first_error_stops_the_stream_and_is_returned() {
        let mut next = 0..1_000_000u32;
        let mut written = 0;
        let e = run(
            || Ok(next.next()),
            |x| {
                if x == 10 {
                    Err(Error::internal("ten"))
                } else {
                    Ok(x)
                }
            },
            |_| {
                written += 1;
                Ok(())
            },
        )
        .unwrap_err();
        assert!(e.to_string().contains("ten"));
        assert!(
            written < 1000,
            "the stream stopped early ({written} written)"
        );
    }

    #[test]
    fn a_reader_error_wins() {
        let mut n = 0;
        let e = run(
            || {
                n += 1;
                if n == 5 {
                    Err(Error::internal("cannot read"))
                } else {
                    Ok(Some(n))
                }
            },
            Ok,
            |_| Ok(()),
        )
        .unwrap_err();
        assert!(e.to_string().contains("cannot read"));
    }
}
