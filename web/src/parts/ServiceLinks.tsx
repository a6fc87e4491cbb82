import type { Status as StatusValue } from '../gql/graphql';
import { href } from '../route';
import { Status } from './Status';

/** Services in a sentence: "Payroll CRITICAL, E-mail OK", each a link to its detail. */
export function ServiceLinks({ services }: { services: readonly { id: string; name: string; status: StatusValue }[] }) {
  return (
    <>
      {services.map((s, i) => (
        <span key={s.id}>
          {i > 0 ? ', ' : ''}
          <a href={href('service', s.id)}>{s.name}</a> <Status status={s.status} />
        </span>
      ))}
    </>
  );
}
