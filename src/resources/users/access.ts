import { notFound } from '../../errors.js'
import type { Caller } from '../../platform/auth.js'
import type { User } from './model.js'
import type { UserRepository } from './repository.js'

/** A user of the caller's organisation; any other id is answered as a missing one (404). */
export function userOfOrganisation (users: UserRepository, caller: Caller, id: string): User {
  const user = users.find(caller.organisationId, id)
  if (!user) throw notFound(`User ${id} not found`)
  return user
}
