/**
 * Resolves a `Project{project_id, version_key?}` source to the concrete GitHub or WasmUrl source it names, through
 * the contract's views: the version named by version_key, else the project's active version. The worker then treats
 * it exactly like that source (same trust rules). Our contract already resolves projects when a request is made,
 * but OutLayer-shaped requests (and gossip) may still carry the Project form.
 */
import { codeSourceCheck, type CodeSource } from '../../../protocol/index.js'
import { getProject, getProjectVersion } from '../../chain/client.js'
import type { OutlayerClient } from '../../chain/index.js'
import { WorkerError } from './errors.js'

export type ConcreteSource = Exclude<CodeSource, { Project: unknown }>
export interface ProjectRef { project_id: string, version_key?: string | undefined }

export interface ResolvedProject {
  source: ConcreteSource
  versionKey: string
}

export async function resolveProject (client: Pick<OutlayerClient, 'view'>, ref: ProjectRef): Promise<ResolvedProject> {
  const project = await getProject(client, ref.project_id)
  if (project == null) throw new WorkerError('PROJECT_UNKNOWN', `project ${ref.project_id} does not exist`)
  const versionKey = ref.version_key ?? project.active_version
  if (typeof versionKey !== 'string' || versionKey === '') throw new WorkerError('PROJECT_UNKNOWN', `project ${ref.project_id} has no active version`)
  const version = await getProjectVersion(client, ref.project_id, versionKey)
  if (version == null) throw new WorkerError('PROJECT_UNKNOWN', `version ${versionKey} does not exist in project ${ref.project_id}`)
  // the view is the contract's word, but a version must still be a valid concrete source before we act on it
  const checked = codeSourceCheck(version.source, 'version.source')
  if (!checked.ok || 'Project' in checked.value) {
    throw new WorkerError('PROJECT_UNKNOWN', `version ${versionKey} of ${ref.project_id} has no valid GitHub or WasmUrl source${checked.ok ? '' : `: ${checked.error.message}`}`)
  }
  return { source: checked.value as ConcreteSource, versionKey }
}

/** The source itself when concrete, else the project version it names. */
export async function concreteSource (client: Pick<OutlayerClient, 'view'>, source: CodeSource): Promise<ConcreteSource> {
  if (!('Project' in source)) return source
  return (await resolveProject(client, source.Project)).source
}
