//===----------------------------------------------------------------------===//
//
// This source file is part of the swift-scheduling open source project
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

#if SQLite
    import Foundation

    #if canImport(Glibc)
        import Glibc
    #elseif canImport(Musl)
        import Musl
    #elseif canImport(Darwin)
        import Darwin
    #endif

    /// Holds an instance name on a store file for one process, until it is released or the process
    /// ends (however it ends: the operating system drops the lock of a process that crashed).
    ///
    /// A scheduler that starts treats the runs its instance name left unfinished as interrupted, so
    /// that a restart after a crash retries them at once. Two live processes under one name would
    /// thus each take the other's running jobs for interrupted ones and run them again. The lock
    /// makes the second process fail at start instead. Get one with
    /// ``SQLiteJobStore/lockInstance(_:)``; the `scheduler run` daemon takes one for its
    /// `--instance`.
    public final class InstanceLock: Sendable {
        /// The instance name held.
        public let instance: String
        /// The lock file beside the store's file.
        public let path: String
        private let descriptor: Int32

        fileprivate init(instance: String, path: String, descriptor: Int32) {
            self.instance = instance
            self.path = path
            self.descriptor = descriptor
        }

        deinit {
            // Closing the file releases its lock. The file stays: removing it could let a process
            // that opened it meanwhile lock a file no longer at this path.
            closeDescriptor(descriptor)
        }
    }

    extension SQLiteJobStore {
        /// Holds `instance` for this process on the store's file while the returned lock lives.
        ///
        /// The lock is an advisory file lock on a small file beside the database (its name is the
        /// database's with `-instance-` and the instance name appended), which records the process
        /// identifier of its holder. It guards the processes of one host, the only ones that share
        /// an SQLite file. Keep the lock for as long as the scheduler runs:
        ///
        /// ```swift
        /// let store = try SQLiteJobStore(path: ".scheduler/state.sqlite")
        /// let lock = try store.lockInstance("worker-1")
        /// let scheduler = Scheduler(store: store, executor: jobs, configuration: .init(instance: lock.instance))
        /// try await scheduler.run()
        /// withExtendedLifetime(lock) {}
        /// ```
        ///
        /// - Throws: ``SQLiteStoreError/Code/instanceInUse`` naming the process that holds the name,
        ///   or ``SQLiteStoreError/Code/cannotOpen`` when the lock file cannot be created.
        public func lockInstance(_ instance: String) throws(SQLiteStoreError) -> InstanceLock {
            let lockPath = "\(path)-instance-\(Self.fileName(for: instance)).lock"
            let descriptor = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
            guard descriptor >= 0 else {
                throw SQLiteStoreError(
                    .cannotOpen, path: lockPath,
                    message: "the instance lock file cannot be created (\(String(cString: strerror(errno))))",
                    suggestion: "check that the state folder is writable")
            }
            guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
                let holder = Self.holder(of: descriptor)
                closeDescriptor(descriptor)
                throw SQLiteStoreError(
                    .instanceInUse, path: path,
                    message: "\(holder ?? "another process") runs instance '\(instance)' on this file",
                    suggestion:
                        "stop it, or give each process its own instance name; two processes under one name would run each other's jobs again"
                )
            }
            let record = Data("\(getpid())\n".utf8)
            _ = ftruncate(descriptor, 0)
            _ = record.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, 0) }
            return InstanceLock(instance: instance, path: lockPath, descriptor: descriptor)
        }

        /// The process identifier recorded in a lock file, as `process 1234`.
        private static func holder(of descriptor: Int32) -> String? {
            var buffer = [UInt8](repeating: 0, count: 32)
            let count = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { return nil }
            let text = String(decoding: buffer[..<count], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            return Int32(text).map { "process \($0)" }
        }

        /// An instance name as part of a file name: ASCII letters, digits, `.`, `-` and `_` as they
        /// are, every other byte percent-encoded; a long name is cut and ends with a hash of the
        /// whole.
        static func fileName(for instance: String) -> String {
            let name = instance.addingPercentEncoding(withAllowedCharacters: fileNameCharacters) ?? "instance"
            guard name.utf8.count > 96 else { return name }
            // FNV-1a, 64 bits: stable across processes and versions, unlike `Hasher`.
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325
            for byte in instance.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
            return String(name.prefix(80)) + "-" + String(hash, radix: 16)
        }

        /// The characters an instance name keeps in a lock file's name.
        private static let fileNameCharacters = CharacterSet(
            charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_")
    }

    /// Closes a file descriptor (here, where `close` means the system's, not a store's method).
    private func closeDescriptor(_ descriptor: Int32) {
        _ = close(descriptor)
    }
#endif
