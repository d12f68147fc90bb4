import { createHash } from 'node:crypto'
import type { Random } from './random.js'

// A secret is stored only as its SHA-256 digest (for lookup) and its masked form (for display).
// Looking a caller up by digest is what keeps authentication constant-time: the index compares
// digests, which an attacker cannot steer byte by byte, so timing says nothing about a stored secret.
export const hashSecret = (secret: string): Buffer => createHash('sha256').update(secret).digest()

// The live API's rendering: first 2 characters, five stars, last 3 (`z1*****3AX`).
export const maskSecret = (secret: string): string => `${secret.slice(0, 2)}*****${secret.slice(-3)}`

/** Shortest secret that masking does not reveal in full. */
export const MIN_SECRET_LENGTH = 8

export const generateSecret = (random: Random): string => random.bytes(24).toString('base64url')
