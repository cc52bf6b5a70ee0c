//! Where media bytes live: a folder under the data directory, or an S3-compatible bucket,
//! both through `object_store`.
//!
//! An upload is first received into a temporary file (never held in memory); [`MediaStore::
//! keep`] then moves it into the store: a rename for the local folder (the temporary files are
//! written inside it), a multipart upload in bounded parts for S3.

use std::path::{Path as FsPath, PathBuf};
use std::sync::Arc;

use object_store::aws::AmazonS3Builder;
use object_store::local::LocalFileSystem;
use object_store::path::Path;
use object_store::{
    GetOptions, GetRange, GetResult, ObjectStore, ObjectStoreExt, PutPayload, WriteMultipart,
};
use tokio::io::AsyncReadExt;
use tokio::sync::Semaphore;

use crate::config::{MIB, MediaConfig};

/// Parts of an S3 multipart upload (S3's smallest part is 5 MiB).
const S3_PART: usize = 5 * MIB as usize;
/// Parts of one S3 upload in flight at once.
const S3_PARTS_IN_FLIGHT: usize = 2;
/// Uploads to S3 at once: each holds at most a part being filled and those in flight.
const S3_TRANSFERS: usize = 4;

/// The media store.
#[derive(Clone)]
pub struct MediaStore {
    inner: Arc<Inner>,
}

struct Inner {
    store: Arc<dyn ObjectStore>,
    /// Where uploads are received before they are kept.
    tmp: PathBuf,
    kind: Kind,
    transfers: Semaphore,
}

enum Kind {
    /// `tmp` is `<root>/tmp`, inside the store's own folder: keeping is a rename.
    Local,
    /// Kept by a multipart upload of the temporary file.
    S3,
}

/// A store failure (logged by the caller; clients see `internal` or `unavailable`).
pub type StoreError = object_store::Error;

impl MediaStore {
    /// The store `config` asks for: S3 when a bucket is configured, else `<data_dir>/media`.
    pub fn open(config: &MediaConfig, data_dir: &FsPath) -> anyhow::Result<Self> {
        match &config.s3 {
            None => Self::local(&data_dir.join("media")),
            Some(s3) => {
                // reqwest's TLS (for an https endpoint) uses the ring provider (rustls marks it
                // deprecated for its lack of post-quantum key exchange; S3 endpoints offer none).
                #[allow(deprecated)]
                let _ = rustls::crypto::ring::default_provider().install_default();
                let mut builder = AmazonS3Builder::from_env()
                    .with_bucket_name(&s3.bucket)
                    .with_region(&s3.region);
                if let Some((key, secret)) = &s3.credentials {
                    builder = builder
                        .with_access_key_id(key)
                        .with_secret_access_key(secret);
                }
                if let Some(endpoint) = &s3.endpoint {
                    builder = builder
                        .with_endpoint(endpoint)
                        .with_allow_http(endpoint.starts_with("http://"))
                        .with_virtual_hosted_style_request(false);
                }
                let store = builder
                    .build()
                    .map_err(|e| anyhow::anyhow!("S3 bucket {}: {e}", s3.bucket))?;
                let tmp = data_dir.join("upload-tmp");
                std::fs::create_dir_all(&tmp)
                    .map_err(|e| anyhow::anyhow!("{}: {e}", tmp.display()))?;
                Ok(Self::with(Arc::new(store), tmp, Kind::S3))
            }
        }
    }

    /// A store in the folder `root` (created if missing).
    pub fn local(root: &FsPath) -> anyhow::Result<Self> {
        let tmp = root.join("tmp");
        std::fs::create_dir_all(&tmp).map_err(|e| anyhow::anyhow!("{}: {e}", tmp.display()))?;
        let store = LocalFileSystem::new_with_prefix(root)
            .map_err(|e| anyhow::anyhow!("{}: {e}", root.display()))?
            .with_automatic_cleanup(true);
        Ok(Self::with(Arc::new(store), tmp, Kind::Local))
    }

    fn with(store: Arc<dyn ObjectStore>, tmp: PathBuf, kind: Kind) -> Self {
        Self {
            inner: Arc::new(Inner {
                store,
                tmp,
                kind,
                transfers: Semaphore::new(S3_TRANSFERS),
            }),
        }
    }

    /// The folder uploads are received into.
    pub fn tmp_dir(&self) -> &FsPath {
        &self.inner.tmp
    }

    /// Moves the received file `file` (inside [`Self::tmp_dir`]) into the store as `key`.
    pub async fn keep(&self, file: &FsPath, key: &str) -> Result<(), StoreError> {
        match self.inner.kind {
            Kind::Local => {
                let name = file
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                let from = Path::from(format!("tmp/{name}"));
                self.inner.store.rename(&from, &Path::from(key)).await
            }
            Kind::S3 => {
                let _permit = self.inner.transfers.acquire().await.map_err(|e| {
                    object_store::Error::Generic {
                        store: "media",
                        source: Box::new(e),
                    }
                })?;
                let result = self.upload(file, key).await;
                let _ = tokio::fs::remove_file(file).await;
                result
            }
        }
    }

    /// Streams `file` to the store in bounded parts.
    async fn upload(&self, file: &FsPath, key: &str) -> Result<(), StoreError> {
        let io = |e: std::io::Error| object_store::Error::Generic {
            store: "media",
            source: Box::new(e),
        };
        let mut source = tokio::fs::File::open(file).await.map_err(io)?;
        let size = source.metadata().await.map_err(io)?.len();
        let path = Path::from(key);
        if size <= S3_PART as u64 {
            let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
            source.read_to_end(&mut bytes).await.map_err(io)?;
            self.inner.store.put(&path, PutPayload::from(bytes)).await?;
            return Ok(());
        }
        let upload = self.inner.store.put_multipart(&path).await?;
        let mut writer = WriteMultipart::new_with_chunk_size(upload, S3_PART);
        let mut buf = vec![0u8; 256 * 1024];
        loop {
            let n = match source.read(&mut buf).await {
                Ok(n) => n,
                Err(e) => {
                    let _ = writer.abort().await;
                    return Err(io(e));
                }
            };
            if n == 0 {
                break;
            }
            if let Err(e) = writer.wait_for_capacity(S3_PARTS_IN_FLIGHT).await {
                let _ = writer.abort().await;
                return Err(e);
            }
            writer.write(&buf[..n]);
        }
        writer.finish().await.map(|_| ())
    }

    /// The bytes of `key`, or the given part of them.
    pub async fn get(&self, key: &str, range: Option<GetRange>) -> Result<GetResult, StoreError> {
        let options = GetOptions {
            range,
            ..GetOptions::default()
        };
        self.inner.store.get_opts(&Path::from(key), options).await
    }

    /// Deletes `key`; a key that is already gone is not an error.
    pub async fn delete(&self, key: &str) -> Result<(), StoreError> {
        match self.inner.store.delete(&Path::from(key)).await {
            Err(object_store::Error::NotFound { .. }) | Ok(()) => Ok(()),
            Err(e) => Err(e),
        }
    }

    /// Whether `key` exists in the store.
    pub async fn exists(&self, key: &str) -> Result<bool, StoreError> {
        match self.inner.store.head(&Path::from(key)).await {
            Ok(_) => Ok(true),
            Err(object_store::Error::NotFound { .. }) => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// Removes temporary files older than `age` (left by uploads cut short by a crash).
    pub async fn sweep_tmp(&self, age: std::time::Duration) -> usize {
        let Ok(mut dir) = tokio::fs::read_dir(&self.inner.tmp).await else {
            return 0;
        };
        let mut removed = 0;
        while let Ok(Some(entry)) = dir.next_entry().await {
            let old = entry
                .metadata()
                .await
                .ok()
                .and_then(|m| m.modified().ok())
                .and_then(|t| t.elapsed().ok())
                .is_some_and(|elapsed| elapsed > age);
            if old && tokio::fs::remove_file(entry.path()).await.is_ok() {
                removed += 1;
            }
        }
        removed
    }
}
